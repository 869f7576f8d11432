import { expect } from 'chai';
import { copySelection, parseClipboard, pastable } from '../../../editor/src/lib/clipboard.js';
import { fieldExpression, segments } from '../../../editor/src/lib/expression.js';
import { newNodeId } from '../../../editor/src/lib/ids.js';
import { autoLayout } from '../../../editor/src/lib/layout.js';
import { applyEvent, overlayOf } from '../../../editor/src/lib/overlay.js';
import { paletteGroups } from '../../../editor/src/lib/palette.js';
import { canEdit } from '../../../editor/src/lib/roles.js';
import { formatRoute, parseRoute, type Route } from '../../../editor/src/lib/route.js';
import { summarise } from '../../../editor/src/lib/summary.js';
import { mapErrors } from '../../../editor/src/lib/validation.js';
import { graph, types } from './fixtures.js';

describe('editor: validation errors on nodes', () => {
  it('pins each 400 detail on the node it names, by nodeId, index, edge or message', () => {
    const g = graph();
    const mapped = mapErrors(
      [
        { path: '/graph/nodes/1/config/rules', message: 'node "check": /rules must have required property \'rules\'', nodeId: 'check' },
        { path: '/graph/nodes/2/config', message: 'must be object' },
        { path: '/graph/edges/1/sourcePort', message: 'edge 1: node "check" has no port "maybe"', edge: 1 },
        { path: '/graph', message: 'the graph has no trigger' },
        { message: 'node "ghost" is broken' },
      ],
      g,
    );
    expect(mapped.byNode.get('check')).to.deep.equal(["/rules must have required property 'rules'", 'edge 1: node "check" has no port "maybe"']);
    expect(mapped.byNode.get('set')).to.deep.equal(['must be object']);
    expect(mapped.general).to.deep.equal(['the graph has no trigger', 'node "ghost" is broken']);
    expect(mapErrors(undefined, g).general).to.deep.equal([]);
  });
});

describe('editor: small logic modules', () => {
  it('makes readable, unique node ids from types', () => {
    expect(newNodeId('logic.condition', [])).to.equal('condition');
    expect(newNodeId('logic.condition', ['condition', 'condition_2'])).to.equal('condition_3');
    expect(newNodeId('ghl.contact.upsert', ['x'])).to.equal('upsert');
  });

  it('summarises a node’s config in one short line', () => {
    const g = graph();
    expect(summarise(g.nodes[1])).to.equal('$json.body.email is not empty');
    expect(summarise({ type: 'logic.condition', config: { rules: { combinator: 'or', rules: [{ left: 'a', operator: 'gt', right: 1 }, { combinator: 'and', rules: [{ left: 'b', operator: 'is_true' }, { left: 'c', operator: 'between', right: 1, rightTo: 5 }] }] } } })).to.equal(
      'a > 1 or (b is true and c between 1 and 5)',
    );
    expect(summarise({ type: 'logic.set', config: { value: { ok: true } } })).to.equal('value: {"ok":true}');
    expect(summarise({ type: 'logic.switch', config: { cases: [{ port: 'vip' }, { port: 'lead' }] } })).to.equal('cases: vip, lead');
    expect(summarise({ type: 'http.request', config: { url: 'https://example.com/' + 'x'.repeat(100) } })).to.have.length(60);
  });

  it('groups the palette by category, triggers first, and searches it', () => {
    const groups = paletteGroups(types);
    expect(groups.map((g) => g.category)).to.deep.equal(['Triggers', 'Logic', 'HTTP']);
    expect(groups[1].types.map((t) => t.title)).to.deep.equal(['Condition', 'Set', 'Switch']);
    expect(paletteGroups(types, 'true FALSE').flatMap((g) => g.types.map((t) => t.type))).to.deep.equal(['logic.condition']);
    expect(paletteGroups(types, 'nothing like this')).to.deep.equal([]);
  });

  it('copies the selection with its inner edges and pastes it with fresh ids', () => {
    const g = graph();
    const copied = copySelection(g, ['check', 'set']);
    expect(copied.edges).to.deep.equal([{ source: 'check', sourcePort: 'true', target: 'set' }]);
    const text = JSON.stringify(copied);
    const parsed = parseClipboard(text)!;
    const pasted = pastable(parsed, g);
    expect(pasted.nodes.map((n) => n.id)).to.deep.equal(['condition', 'set_2']);
    expect(pasted.nodes[0].position).to.deep.equal({ x: 340, y: 40 });
    expect(pasted.edges).to.deep.equal([{ source: 'condition', sourcePort: 'true', target: 'set_2' }]);
    expect(parseClipboard('hello')).to.equal(null);
    expect(parseClipboard('{"nodes": []}')).to.equal(null);
  });

  it('lays a graph out left to right, children after parents', () => {
    const positions = autoLayout(graph());
    expect(positions.get('hook')!.x).to.be.lessThan(positions.get('check')!.x);
    expect(positions.get('check')!.x).to.be.lessThan(positions.get('set')!.x);
  });

  it('splits text into plain and {{ }} pieces and builds field expressions', () => {
    expect(segments('Hi {{ $json.name }}, bye {{ x')).to.deep.equal([
      { text: 'Hi ', expression: false },
      { text: '{{ $json.name }}', expression: true },
      { text: ', bye {{ x', expression: false },
    ]);
    expect(fieldExpression(['body', 'email'])).to.equal('{{ $json.body.email }}');
    expect(fieldExpression(['items', 0, 'first name'], { nodeId: 'hook' })).to.equal('{{ $node.hook.items[0].`first name` }}');
  });

  it('lets owners, admins and builders edit, and viewers only read', () => {
    expect(['owner', 'admin', 'builder'].every((r) => canEdit(r as never))).to.equal(true);
    expect(canEdit('viewer')).to.equal(false);
    expect(canEdit(undefined)).to.equal(false);
  });

  it('round-trips routes through URLs', () => {
    const routes: Route[] = [
      { screen: 'signin' },
      { screen: 'home' },
      { screen: 'flows', sid: 'a b' },
      { screen: 'executions', sid: 's1' },
      { screen: 'flow', sid: 's1', fid: 'f1' },
      { screen: 'flow', sid: 's1', fid: 'f1', executionId: 'e1' },
    ];
    for (const route of routes) {
      const url = new URL(formatRoute(route), 'http://x');
      expect(parseRoute(url.pathname, url.search)).to.deep.equal(route);
    }
    expect(parseRoute('/nowhere/at/all')).to.deep.equal({ screen: 'home' });
  });

  it('folds live events into the run overlay, touching only the node they are about', () => {
    let overlay = applyEvent(null, { type: 'execution.started', executionId: 'e1', flowId: 'f', status: 'running', at: '' });
    overlay = applyEvent(overlay, { type: 'step.started', executionId: 'e1', flowId: 'f', nodeId: 'hook', status: 'running', at: '' });
    const hookRunning = overlay!.nodes.hook;
    overlay = applyEvent(overlay, { type: 'step.succeeded', executionId: 'e1', flowId: 'f', nodeId: 'check', status: 'succeeded', output: { a: 1 }, at: '' });
    expect(overlay!.nodes.hook).to.equal(hookRunning);
    expect(overlay!.nodes.check).to.deep.include({ status: 'succeeded', output: { a: 1 } });
    overlay = applyEvent(overlay, { type: 'step.skipped', executionId: 'e1', flowId: 'f', nodeId: 'set', status: 'skipped', at: '' });
    overlay = applyEvent(overlay, { type: 'step.failed', executionId: 'other', flowId: 'f', nodeId: 'set', status: 'failed', at: '' });
    expect(overlay!.nodes.set.status).to.equal('skipped');
    overlay = applyEvent(overlay, { type: 'execution.finished', executionId: 'e1', flowId: 'f', status: 'succeeded', at: '' });
    expect(overlay!.status).to.equal('succeeded');
    const fromDetail = overlayOf({ id: 'e2', flowId: 'f', flowVersion: 1, status: 'failed', trigger: null, startedAt: null, finishedAt: null, createdAt: '', error: null, steps: [{ nodeId: 'a', status: 'failed', attempt: 2, output: null, error: { message: 'boom' }, logs: [], startedAt: null, finishedAt: null }] });
    expect(fromDetail.nodes.a).to.deep.include({ status: 'failed', attempt: 2, output: null, error: { message: 'boom' }, logs: [] });
  });
});
