import { expect } from 'chai';
import { nodeRegistry, type NodeRegistry } from '../../nodes/registry.js';
import type { FlowGraph } from '../../schemas/flow.js';
import { validateGraph } from '../../server/runtime/graph.js';

const set = (id: string) => ({ id, type: 'logic.set', config: { value: 1 } });
const edge = (source: string, target: string, sourcePort?: string) => ({ source, target, ...(sourcePort ? { sourcePort } : {}) });

describe('graph validation: cycles', () => {
  let registry: NodeRegistry;
  before(async () => {
    registry = await nodeRegistry();
  });
  const cycles = (graph: FlowGraph) => validateGraph(graph, registry).filter((d) => d.message.includes('cycle'));

  it('names the three nodes of a cycle in order, and the edge that closes it', () => {
    const graph = {
      nodes: [{ id: 't', type: 'trigger.manual' }, set('a'), set('b'), set('c')],
      edges: [edge('t', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'a')],
    } as FlowGraph;
    const details = cycles(graph);
    expect(details).to.have.length(1);
    expect(details[0]).to.deep.include({ path: '/graph/edges/3', nodeIds: ['a', 'b', 'c'], edges: [1, 2, 3], edge: 3 });
    expect(details[0].message).to.include('a → b → c → a').and.include('edge c → a closes it');
  });

  it('reports two separate cycles each, and a self-loop', () => {
    const graph = {
      nodes: [{ id: 't', type: 'trigger.manual' }, set('a'), set('b'), set('x'), set('y'), set('z'), set('s')],
      edges: [edge('t', 'a'), edge('a', 'b'), edge('b', 'a'), edge('t', 'x'), edge('x', 'y'), edge('y', 'z'), edge('z', 'x'), edge('s', 's')],
    } as FlowGraph;
    const details = cycles(graph);
    expect(details.map((d) => d.nodeIds)).to.deep.equal([['a', 'b'], ['x', 'y', 'z'], ['s']]);
    expect(details.map((d) => d.edge)).to.deep.equal([2, 6, 7]);
    expect(details.map((d) => d.path)).to.deep.equal(['/graph/edges/2', '/graph/edges/6', '/graph/edges/7']);
  });

  it('names the port of a closing edge', () => {
    const graph = {
      nodes: [{ id: 't', type: 'trigger.manual' }, set('p'), { id: 'if', type: 'logic.condition', config: { rules: { combinator: 'and', rules: [] } } }],
      edges: [edge('t', 'p'), edge('p', 'if'), edge('if', 'p', 'true')],
    } as FlowGraph;
    const [detail] = cycles(graph);
    expect(detail).to.deep.include({ nodeIds: ['p', 'if'], edges: [1, 2], edge: 2 });
    expect(detail.message).to.include('edge if.true → p closes it');
  });

  it('reports each edge that closes a cycle through a shared node; cutting them leaves no cycle', () => {
    const graph = {
      nodes: [{ id: 't', type: 'trigger.manual' }, set('hub'), set('p'), set('q')],
      edges: [edge('t', 'hub'), edge('hub', 'p'), edge('p', 'hub'), edge('hub', 'q'), edge('q', 'hub')],
    } as FlowGraph;
    const details = cycles(graph);
    expect(details.map((d) => [d.nodeIds, d.edges])).to.deep.equal([
      [['hub', 'p'], [1, 2]],
      [['hub', 'q'], [3, 4]],
    ]);
    const acyclic = { ...graph, edges: graph.edges!.filter((_, i) => !details.some((d) => d.edge === i)) };
    expect(validateGraph(acyclic, registry)).to.deep.equal([]);
  });
});
