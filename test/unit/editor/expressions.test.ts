import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolveConfig } from '../../../server/runtime/expressions.js';
import type { FlowGraph } from '../../../editor/src/api/types.js';
import { applyCandidate, candidates, completionSpot, fieldPaths, pathText } from '../../../editor/src/lib/completion.js';
import { JSONATA_FUNCTIONS } from '../../../editor/src/lib/jsonata-functions.js';
import { dropInto, fieldExpression, insideJsonString } from '../../../editor/src/lib/expression.js';
import { formatLive, isPlainOnly, liveValue } from '../../../editor/src/lib/live-value.js';
import type { RunOverlay } from '../../../editor/src/lib/overlay.js';
import { inputOf, nodeScope, scopeSelector, upstreamOf, type ExpressionScope, type NodeScope } from '../../../editor/src/lib/scope.js';
import { catalog, graph } from './fixtures.js';

const lead = { body: { email: 'ana@example.com', plan: 'pro', 'first name': 'Ana', tags: [{ name: 'vip' }, { name: 'new' }] }, headers: { 'content-type': 'application/json' } };

/** webhook → condition → (true) set, after a run where the lead went through. */
const ran = (): RunOverlay => ({
  executionId: 'e1',
  status: 'succeeded',
  triggerNodeId: 'hook',
  input: lead,
  nodes: {
    hook: { status: 'succeeded', output: lead },
    check: { status: 'succeeded', output: lead, ports: ['true'] },
    set: { status: 'succeeded', output: { greeting: 'Hello ana@example.com' } },
  },
});

/** hook → a, hook → b, a → join, b → join */
const diamond = (): FlowGraph => ({
  nodes: ['hook', 'a', 'b', 'join'].map((id) => ({ id, type: id === 'hook' ? 'trigger.webhook' : 'logic.set' })),
  edges: [
    { source: 'hook', target: 'a' },
    { source: 'hook', target: 'b' },
    { source: 'a', target: 'join' },
    { source: 'b', target: 'join' },
  ],
});

describe('editor: what a node’s expressions can see', () => {
  it('lists the nodes upstream, nearest first, and none downstream', () => {
    expect(upstreamOf(graph().edges, 'set')).to.deep.equal(['check', 'hook']);
    expect(upstreamOf(graph().edges, 'hook')).to.deep.equal([]);
    expect(upstreamOf(diamond().edges, 'join')).to.deep.equal(['a', 'b', 'hook']);
  });

  it('joins the input as the engine does: one parent’s value, several keyed by parent, the fired port only', () => {
    const overlay: RunOverlay = { executionId: 'e', status: 'succeeded', nodes: { hook: { status: 'succeeded', output: 1 }, a: { status: 'succeeded', output: { x: 1 } }, b: { status: 'succeeded', output: { y: 2 } } } };
    expect(inputOf(diamond().edges, overlay, 'a')).to.equal(1);
    expect(inputOf(diamond().edges, overlay, 'join')).to.deep.equal({ a: { x: 1 }, b: { y: 2 } });
    overlay.nodes.b = { status: 'skipped' };
    expect(inputOf(diamond().edges, overlay, 'join')).to.deep.equal({ x: 1 });
    // A condition that fired `false` passes nothing along its `true` edge.
    expect(inputOf(graph().edges, { ...ran(), nodes: { ...ran().nodes, check: { status: 'succeeded', output: lead, ports: ['false'] } } }, 'set')).to.equal(undefined);
    // Two ports fired: the step's output is keyed by port, an edge carries its own.
    expect(inputOf(graph().edges, { ...ran(), nodes: { ...ran().nodes, check: { status: 'succeeded', output: { true: 'T', error: 'E' }, ports: ['true', 'error'] } } }, 'set')).to.equal('T');
    // The trigger that started the run received the execution's input.
    expect(inputOf(graph().edges, ran(), 'hook')).to.equal(lead);
    expect(inputOf(graph().edges, null, 'set')).to.equal(undefined);
  });

  it('builds $json, $trigger and $node from the run shown, upstream nodes only', () => {
    const { scope, upstream } = nodeScope(graph(), catalog, ran(), 'set');
    expect(upstream).to.deep.equal(['check', 'hook']);
    expect(scope!.json).to.equal(lead);
    expect(scope!.trigger).to.equal(lead);
    expect(Object.keys(scope!.node)).to.deep.equal(['check', 'hook']);
    expect(nodeScope(graph(), catalog, null, 'set').scope).to.equal(undefined);
  });

  it('memoises the scope: events about other nodes and config typing give back the same object', () => {
    const select = scopeSelector();
    const doc = graph();
    const overlay = ran();
    const first = select(doc, catalog, overlay, 'check');
    // An event about a node downstream: a new overlay, the same runs upstream.
    const later = { ...overlay, nodes: { ...overlay.nodes, set: { status: 'running' as const } } };
    expect(select(doc, catalog, later, 'check')).to.equal(first);
    // Typing in the config: a new document whose edges are the same array.
    expect(select({ ...doc, nodes: doc.nodes.map((n) => ({ ...n })) }, catalog, later, 'check')).to.equal(first);
    const changed = { ...later, nodes: { ...later.nodes, hook: { status: 'succeeded' as const, output: { other: true } } } };
    const next = select(doc, catalog, changed, 'check');
    expect(next).not.to.equal(first);
    expect(next.scope!.json).to.deep.equal({ other: true });
  });
});

describe('editor: expression completion', () => {
  const context: NodeScope = nodeScope(graph(), catalog, ran(), 'set');
  const labels = (token: string, ctx = context) => candidates(token, ctx).map((c) => c.label);

  it('finds the path being typed inside an open {{ and nowhere else', () => {
    expect(completionSpot('Hi {{ $json.bo', 14)).to.deep.equal({ from: 6, to: 14, token: '$json.bo' });
    expect(completionSpot('{{ $json.a }} and ', 18)).to.equal(null);
    expect(completionSpot('no expression', 5)).to.equal(null);
    expect(completionSpot('{{ ', 3)).to.deep.equal({ from: 3, to: 3, token: '' });
    expect(completionSpot('{{ $node.check.body.email }}', 19)!.token).to.equal('$node.check.body');
  });

  it('offers the roots, the upstream node ids after $node., and the field paths of the last data', () => {
    expect(labels('').slice(0, 4)).to.deep.equal(['$json', '$trigger', '$node', '$execution']);
    expect(labels('$t')).to.deep.equal(['$trigger', '$trim', '$type', '$toMillis'], 'the roots first, then functions');
    expect(labels('$node.')).to.deep.equal(['check', 'hook']);
    expect(labels('$node.ho')).to.deep.equal(['hook']);
    expect(labels('$json.')).to.include.members(['body', 'headers', 'body.email', 'body.plan', 'body.`first name`', 'body.tags', 'body.tags[0].name', 'headers.`content-type`']);
    expect(labels('$json.')[0]).to.equal('body');
    // Prefix matches first, then paths that contain what was typed.
    expect(labels('$json.body.e')).to.deep.equal(['body.email']);
    expect(labels('$json.em')).to.deep.equal(['body.email']);
    expect(labels('$node.check.body.p')).to.deep.equal(['body.plan']);
    expect(labels('$trigger.headers')).to.deep.equal(['headers.`content-type`']);
    // A path without a root is read on $json, as the server reads it.
    expect(labels('pla')).to.deep.equal(['body.plan']);
    expect(labels('no')).to.deep.equal(['$node', '$not', '$now']);
    const bare = completionSpot('{{ em', 5)!;
    expect(applyCandidate('{{ em', bare, candidates(bare.token, context)[0]).text).to.equal('{{ body.email }}');
    const email = candidates('$json.body.em', context)[0];
    expect(email).to.deep.include({ kind: 'field', detail: 'string · "ana@example.com"' });
  });

  it('offers node ids of upstream nodes only, and no fields without a run', () => {
    const checkScope = nodeScope(graph(), catalog, ran(), 'check');
    expect(labels('$node.', checkScope)).to.deep.equal(['hook']);
    const noRun = nodeScope(graph(), catalog, null, 'set');
    expect(labels('$node.', noRun)).to.deep.equal(['check', 'hook']);
    expect(labels('$json.', noRun)).to.deep.equal([]);
  });

  it('puts a pick in place of the typed path and closes the expression after a field', () => {
    const text = 'Hi {{ $json.em';
    const spot = completionSpot(text, text.length)!;
    const [email] = candidates(spot.token, context);
    expect(applyCandidate(text, spot, email)).to.deep.equal({ text: 'Hi {{ $json.body.email }}', caret: 25 });
    // Already closed: only the path changes, the caret stays after it.
    const closed = '{{ $json.bo }} x';
    const spot2 = completionSpot(closed, 11)!;
    const plan = candidates(spot2.token, context).find((c) => c.label === 'body.plan')!;
    expect(applyCandidate(closed, spot2, plan)).to.deep.equal({ text: '{{ $json.body.plan }} x', caret: 18 });
    // A node id or a root keeps the expression open for the field that follows.
    const spot3 = completionSpot('{{ $node.ch', 11)!;
    expect(applyCandidate('{{ $node.ch', spot3, candidates(spot3.token, context)[0])).to.deep.equal({ text: '{{ $node.check', caret: 14 });
    const spot4 = completionSpot('{{ $tr', 6)!;
    expect(applyCandidate('{{ $tr', spot4, candidates(spot4.token, context)[0]).text).to.equal('{{ $trigger');
  });

  it('offers JSONata’s functions with their signature and what they do, and inserts $name(', () => {
    const fns = candidates('$su', context).filter((c) => c.kind === 'function');
    expect(fns.map((c) => c.label)).to.deep.equal(['$substring', '$substringBefore', '$substringAfter', '$sum']);
    expect(fns.find((c) => c.label === '$substring')).to.deep.equal({
      label: '$substring',
      insert: '$substring(',
      kind: 'function',
      detail: 'part of a string from start (0-based; negative counts from the end)',
      signature: '$substring(str, start[, length])',
    });
    // Right after {{ the four roots come first, then every function.
    const all = candidates('', context);
    expect(all.slice(0, 4).map((c) => c.kind)).to.deep.equal(['root', 'root', 'root', 'root']);
    expect(all.filter((c) => c.kind === 'function')).to.have.length(JSONATA_FUNCTIONS.length);
    // A function goes in without closing the expression, the caret inside its brackets; a path typed
    // without its `$` completes to the function as well.
    const text = '{"n": "{{ $upp"}';
    const spot = completionSpot(text, 14)!;
    expect(applyCandidate(text, spot, candidates(spot.token, context)[0])).to.deep.equal({ text: '{"n": "{{ $uppercase("}', caret: 21 });
    const bare = completionSpot('{{ lowe', 7)!;
    expect(applyCandidate('{{ lowe', bare, candidates(bare.token, context).find((c) => c.kind === 'function')!)).to.deep.equal({ text: '{{ $lowercase(', caret: 14 });
    // Inside a function's brackets the roots are offered again; after a root, only fields.
    expect(completionSpot('{{ $uppercase(', 14)!.token).to.equal('');
    expect(candidates('$json.body.', context).some((c) => c.kind === 'function')).to.equal(false);
  });

  it('describes every function the installed JSONata has, $now and $millis included, and nothing else', () => {
    const source = readFileSync(createRequire(import.meta.url).resolve('jsonata'), 'utf8');
    const bound = [...source.matchAll(/(?:staticFrame|environment)\.bind\('(\w+)', defineFunction/g)].map((m) => `$${m[1]}`);
    expect(bound).to.include.members(['$sum', '$now', '$millis']);
    expect(JSONATA_FUNCTIONS.map((f) => f.name).sort()).to.deep.equal([...new Set(bound)].sort());
    for (const f of JSONATA_FUNCTIONS) {
      expect(f.signature.startsWith(`${f.name}(`) && f.signature.endsWith(')'), f.signature).to.equal(true);
      expect(f.description, f.name).to.match(/^[a-z$"(].{10,100}$/);
    }
  });

  it('extracts field paths breadth first, through a list’s first item, bounded', () => {
    expect(fieldPaths({ a: { b: [{ c: 1 }] } }).map((p) => pathText(p.path))).to.deep.equal(['a', 'a.b', 'a.b[0]', 'a.b[0].c']);
    expect(fieldPaths([{ id: 1 }]).map((p) => pathText(p.path))).to.deep.equal(['[0]', '[0].id']);
    expect(fieldPaths('text')).to.deep.equal([]);
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i]));
    expect(fieldPaths(wide)).to.have.length(300);
  });
});

describe('editor: live value of an expression', () => {
  const scope: ExpressionScope = { json: lead, trigger: { from: 'form' }, node: { check: lead, hook: { n: 21, items: [1, 2] } }, execution: { id: 'e1', flowId: 'f1' } };
  const serverScope = { ...scope, execution: { id: 'e1', flowId: 'f1' } };

  it('gives what the server resolves, for plain paths, JSONata and mixed text', async () => {
    const configs: unknown[] = [
      '{{ $json.body.email }}',
      '{{ body.plan }}',
      '{{ $json.body.missing }}',
      '{{ $json.body.tags }}',
      '{{ $json.body.tags.name }}',
      '{{ $node.hook.n * 2 }}',
      '{{ $node.hook.items }}',
      'Hi {{ $json.body.`first name` }}, plan {{ $json.body.plan }} {{ $json.nothing }}!',
      '{{ $json.body.email }} and {{ {"a": 1} }}',
      '{{ $count($json.body.tags) }}',
      '{{ $trigger.from }}',
      '{{ $execution.id }}',
      { greeting: 'Hello {{ $json.body.email }}', list: ['{{ $json.body.plan }}', 3], n: '{{ $node.hook.n }}' },
      'no expression',
    ];
    for (const config of configs) {
      const live = await liveValue(config, scope);
      const server = await resolveConfig(config, serverScope);
      expect(live, JSON.stringify(config)).to.deep.equal({ ok: true, value: server });
    }
  });

  it('reports errors as readable messages instead of throwing', async () => {
    expect(await liveValue('{{ $json.body.email( }}', scope)).to.deep.include({ ok: false });
    const parse = await liveValue('{{ $json.body.email( }}', scope);
    expect(parse.ok === false && parse.message).to.match(/^"\$json\.body\.email\(" does not parse: /);
    const failing = await liveValue('{{ $number("abc") }}', scope);
    expect(failing.ok === false && failing.message).to.match(/^"\$number\("abc"\)" failed: /);
    expect(await liveValue('Hi {{ $json.body.email', scope)).to.deep.equal({ ok: false, message: 'An expression is not closed yet: end it with }}.' });
    expect(await liveValue('{{ }}', scope)).to.deep.equal({ ok: false, message: 'The expression {{ }} is empty.' });
    const runaway = await liveValue('{{ ($f := function($n) { $f($n + 1) }; $f(0)) }}', scope);
    expect(runaway.ok).to.equal(false);
  });

  it('knows when JSONata is not needed, and formats values for reading', () => {
    expect(isPlainOnly('{{ $json.a.b }} and {{ x }}')).to.equal(true);
    expect(isPlainOnly({ v: ['{{ $count($json) }}'] })).to.equal(false);
    expect(formatLive('ana')).to.equal('"ana"');
    expect(formatLive({ a: [1, 2] })).to.equal('{ "a": [ 1, 2 ] }');
    expect(formatLive(undefined)).to.equal('nothing (no such field in the last run)');
    expect(formatLive('x'.repeat(1000))).to.have.length(401);
  });
});

describe('editor: dropping a field', () => {
  it('reads the field the way the server does, from $json or from $node.<id>', () => {
    expect(fieldExpression(['body', 'email'])).to.equal('{{ $json.body.email }}');
    expect(fieldExpression([0, 'name'])).to.equal('{{ $json[0].name }}');
    expect(fieldExpression(['a'], { nodeId: 'http-2' })).to.equal('{{ $node.`http-2`.a }}');
  });

  it('inserts at the drop point, quoted when it lands outside a JSON string', () => {
    expect(dropInto('Hi !', 3, 3, '{{ $json.a }}')).to.deep.equal({ text: 'Hi {{ $json.a }}!', caret: 16 });
    expect(insideJsonString('{"a": "x\\"y', 10)).to.equal(true);
    expect(insideJsonString('{"a": "x", ', 11)).to.equal(false);
    expect(dropInto('{"a": "Hi "}', 10, 10, '{{ $json.a }}', true).text).to.equal('{"a": "Hi {{ $json.a }}"}');
    expect(dropInto('', 0, 0, '{{ $json.a }}', true)).to.deep.equal({ text: '"{{ $json.a }}"', caret: 15 });
  });
});
