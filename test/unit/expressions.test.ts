import { expect } from 'chai';
import { ExpressionError, checkExpressions, resolveConfig, type ExpressionScope } from '../../server/runtime/expressions.js';

const scope = (json: unknown): ExpressionScope => ({ json, trigger: { from: 'trigger' }, node: { a: { n: 1 } }, execution: { id: 'e1', flowId: 'f1' } });

describe('expressions', () => {
  it('keeps the type of a whole-string expression and interpolates mixed text', async () => {
    const config = { n: '{{ $json.n * 2 }}', list: '{{ $json.items }}', text: 'Hi {{ $json.name }}, you have {{ $count($json.items) }} items', obj: 'x={{ $json.o }}' };
    const out = await resolveConfig(config, scope({ n: 21, items: [1, 2], name: 'Ada', o: { k: 1 } }));
    expect(out).to.deep.equal({ n: 42, list: [1, 2], text: 'Hi Ada, you have 2 items', obj: 'x={"k":1}' });
  });

  it('sees $trigger, $node and $execution', async () => {
    const out = await resolveConfig({ v: '{{ [$trigger.from, $node.a.n, $execution.id] }}' }, scope({}));
    expect(out).to.deep.equal({ v: ['trigger', 1, 'e1'] });
  });

  it('reports each expression that does not parse, with its pointer', () => {
    const problems = checkExpressions({ a: '{{ $json.( }}', b: ['ok {{ 1 + 1 }}', '{{ }}'], c: 'open {{ 1' });
    expect(problems.map((p) => p.path)).to.deep.equal(['/a', '/b/1', '/c']);
  });

  it('fails a runaway expression instead of holding the process', async () => {
    const runaway = '{{ ($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000)) }}';
    const err = await resolveConfig({ v: runaway }, scope({})).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(ExpressionError);
    expect((err as ExpressionError).path).to.equal('/v');
    expect((err as ExpressionError).message).to.match(/Stack overflow|too long/i);
  });
});
