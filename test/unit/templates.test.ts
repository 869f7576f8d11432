import { expect } from 'chai';
import jsonata from 'jsonata';
import { checkExpressions, resolveConfig, needsJsonata, type ExpressionScope } from '../../server/runtime/expressions.js';
import { NotPlainError, plainPath, readPath, templateParts, wholeExpression } from '../../server/runtime/templates.js';
import { evaluateRules } from '../../nodes/logic/rules.js';

const data = { body: { email: 'a@b.c', tags: ['x'], nested: [[1, 2]], objs: [{ n: 1 }], n: null, o: {}, s: 'str', z: 0, list: [{ a: 1 }, { a: 2 }] } };
const scope: ExpressionScope = { json: data, trigger: { t: 1 }, node: { prev: { v: 'p' } }, execution: { id: 'e', flowId: 'f' } };

describe('templates', () => {
  it('splits text and expressions, leaving an unclosed {{ as text', () => {
    expect(templateParts('Hi {{ $json.a }}, {{b}}!')).to.deep.equal([{ text: 'Hi ' }, { expression: '$json.a' }, { text: ', ' }, { expression: 'b' }, { text: '!' }]);
    expect(templateParts('open {{ 1')).to.deep.equal([{ text: 'open {{ 1' }]);
    expect(wholeExpression('  {{ $json.a }} ')).to.equal('$json.a');
    expect(wholeExpression('{{ a }}{{ b }}')).to.equal(undefined);
    expect(wholeExpression('x {{ a }}')).to.equal(undefined);
  });

  it('reads a config with 400,000 unmatched braces in one pass (a quadratic scan would hang the server)', () => {
    const hostile = '}}'.repeat(200_000) + '{{'.repeat(200_000);
    expect(checkExpressions({ v: hostile })).to.have.length(1);
    expect(needsJsonata({ v: hostile })).to.equal(false);
    expect(templateParts('{{'.repeat(200_000))).to.have.length(1);
  });

  it('knows a plain path from anything JSONata must evaluate', () => {
    expect(plainPath('$json.body.email')).to.deep.equal(['$json', 'body', 'email']);
    expect(plainPath('body.email')).to.deep.equal(['$json', 'body', 'email']);
    expect(plainPath('$node.prev.v')).to.deep.equal(['$node', 'prev', 'v']);
    for (const source of ['$json.a[0]', '$uppercase($json.a)', '$json.a & "x"', 'true', '$json.and', '$env.x', '$json.`a b`', '1 + 1', '$json.a.b.c'.repeat(100)]) {
      expect(plainPath(source), source).to.equal(undefined);
    }
    expect(needsJsonata({ a: '{{ $json.body.email }}', b: ['x {{ $trigger.t }}'] })).to.equal(false);
    expect(needsJsonata({ a: '{{ $json.body.email }}', b: ['{{ $count($json.body.tags) }}'] })).to.equal(true);
    expect(needsJsonata({ raw: '{{ $count(x) }}' }, ['raw'])).to.equal(false);
  });

  it('reads plain paths exactly as JSONata does, and leaves paths across lists to JSONata', async () => {
    const paths = ['$json.body.email', '$json.body.tags', '$json.body.nested', '$json.body.objs', '$json.body.n', '$json.body.o', '$json.body.s.x', '$json.body.z', '$json.missing.x', '$json', 'body.email', '$node.prev.v', '$trigger.t', '$execution.id', '$json.body.constructor'];
    for (const source of paths) {
      const [root, ...fields] = plainPath(source)!;
      const roots: Record<string, unknown> = { $json: scope.json, $trigger: scope.trigger, $node: scope.node, $execution: scope.execution };
      const expected = await jsonata(source).evaluate(scope.json, { json: scope.json, trigger: scope.trigger, node: scope.node, execution: scope.execution });
      expect(readPath(roots[root], fields), source).to.deep.equal(expected);
    }
    expect(() => readPath(data, ['body', 'list', 'a'])).to.throw(NotPlainError);
  });

  it('resolves plain paths inline and refuses anything else there, so it cannot run in the serving process', async () => {
    expect(await resolveConfig({ e: '{{ $json.body.email }}', t: 'to {{ $json.body.email }}' }, scope, '', [], 'inline')).to.deep.equal({ e: 'a@b.c', t: 'to a@b.c' });
    const refused = await resolveConfig({ e: '{{ $uppercase($json.body.email) }}' }, scope, '', [], 'inline').catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(NotPlainError);
    expect(await resolveConfig({ a: '{{ $json.body.list.a }}' }, scope)).to.deep.equal({ a: [1, 2] });
  });

  it('reads numbers in linear time: a megabyte of digits is refused at once', () => {
    const digits = `${'1'.repeat(1_000_000)}x`;
    expect(() => evaluateRules({ rules: [{ left: digits, operator: 'gt', right: 1 }] })).to.throw(/numbers/);
    expect(evaluateRules({ rules: [{ left: '1.5', operator: 'gt', right: '1e0' }] })).to.equal(true);
    expect(evaluateRules({ rules: [{ left: '-.5', operator: 'lt', right: '0' }] })).to.equal(true);
  });
});
