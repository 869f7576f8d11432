import { expect } from 'chai';
import { produce } from 'immer';
import { connect, moveNodes, normalise, refuseConnection, removeNodes, setConfig, toDocument } from '../../../editor/src/lib/graph.js';
import { outputPorts, portLabel } from '../../../editor/src/lib/ports.js';
import { catalog, graph } from './fixtures.js';

describe('editor: flow document ↔ canvas graph', () => {
  it('normalises a document from the server: default ports explicit, missing config and positions filled', () => {
    const doc = normalise({ nodes: [{ id: 'a', type: 'trigger.manual' }], edges: [{ source: 'a', target: 'b' }] });
    expect(doc.nodes[0]).to.deep.equal({ id: 'a', type: 'trigger.manual', config: {}, position: { x: 0, y: 0 } });
    expect(doc.edges[0].sourcePort).to.equal('main');
    expect(normalise({ nodes: [] }).edges).to.deep.equal([]);
  });

  it('sends the API a document without the default port spelled out', () => {
    const doc = toDocument(graph());
    expect(doc.edges).to.deep.equal([{ source: 'hook', target: 'check' }, { source: 'check', sourcePort: 'true', target: 'set' }]);
  });

  it('removes a node together with its edges', () => {
    const next = produce(graph(), (d) => removeNodes(d, ['check']));
    expect(next.nodes.map((n) => n.id)).to.deep.equal(['hook', 'set']);
    expect(next.edges).to.deep.equal([]);
  });

  it('refuses edges that close a cycle, repeat an edge, or enter a trigger', () => {
    const g = graph();
    expect(refuseConnection(g, catalog, { source: 'set', target: 'hook' })).to.equal('into_trigger');
    expect(refuseConnection(g, catalog, { source: 'set', target: 'check' })).to.equal('cycle');
    expect(refuseConnection(g, catalog, { source: 'set', target: 'set' })).to.equal('cycle');
    expect(refuseConnection(g, catalog, { source: 'check', sourcePort: 'true', target: 'set' })).to.equal('duplicate');
    expect(refuseConnection(g, catalog, { source: 'check', sourcePort: 'false', target: 'set' })).to.equal(null);
    expect(refuseConnection(g, catalog, { source: 'nope', target: 'set' })).to.equal('unknown_node');
    const next = produce(g, (d) => connect(d, { source: 'check', sourcePort: 'false', target: 'set' }));
    expect(next.edges).to.have.length(3);
  });

  it('rounds moved positions', () => {
    const next = produce(graph(), (d) => moveNodes(d, new Map([['set', { x: 10.6, y: -3.2 }]])));
    expect(next.nodes[2].position).to.deep.equal({ x: 11, y: -3 });
  });

  it('derives a switch’s ports from its cases, and drops edges from a case that is gone', () => {
    const g = graph();
    g.nodes.push({ id: 'route', type: 'logic.switch', config: { cases: [{ port: 'vip', rules: { rules: [] } }, { port: 'lead', rules: { rules: [] } }] } });
    g.edges.push({ source: 'hook', sourcePort: 'main', target: 'route' }, { source: 'route', sourcePort: 'lead', target: 'set' }, { source: 'route', sourcePort: 'default', target: 'set' });
    const route = g.nodes[3];
    expect(outputPorts(route, catalog.get('logic.switch'))).to.deep.equal(['vip', 'lead', 'default']);
    const next = produce(g, (d) => setConfig(d, catalog, 'route', { cases: [{ port: 'vip', rules: { rules: [] } }] }));
    expect(next.edges.filter((e) => e.source === 'route').map((e) => e.sourcePort)).to.deep.equal(['default']);
    expect(outputPorts(g.nodes[1], catalog.get('logic.condition'))).to.deep.equal(['true', 'false']);
    expect(outputPorts({ type: 'x.unknown', config: {} }, undefined)).to.deep.equal(['main']);
  });

  it('labels ports except a lone main', () => {
    expect(portLabel('main', ['main'])).to.equal('');
    expect(portLabel('main', ['main', 'error'])).to.equal('main');
    expect(portLabel('true', ['true', 'false'])).to.equal('true');
  });
});
