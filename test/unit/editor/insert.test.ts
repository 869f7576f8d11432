import { expect } from 'chai';
import type { FlowGraph } from '../../../editor/src/api/types.js';
import { change, emptyHistory, undo } from '../../../editor/src/lib/history.js';
import { addAfterPort, downstream, firstOutput, insertOnEdge, STEP_X } from '../../../editor/src/lib/insert.js';
import { pickerChoices, stepChoice } from '../../../editor/src/lib/palette.js';
import { createEdgeHover } from '../../../editor/src/lib/edge-hover.js';
import { catalog, graph, types } from './fixtures.js';

const setNode = (id: string) => ({ id, type: 'logic.set', config: { value: {} } });
const at = (g: FlowGraph, id: string) => g.nodes.find((n) => n.id === id)!.position;

describe('editor: adding a node by a "+" on an edge or a port', () => {
  it('splits an edge: the source keeps its port into the new node, whose main output goes on to the old target', () => {
    const { doc } = change(graph(), emptyHistory(), 'insert', (d) => void insertOnEdge(d, catalog, { source: 'check', sourcePort: 'true', target: 'set' }, setNode('shape')));
    expect(doc.edges).to.deep.equal([
      { source: 'hook', sourcePort: 'main', target: 'check' },
      { source: 'check', sourcePort: 'true', target: 'shape' },
      { source: 'shape', sourcePort: 'main', target: 'set' },
    ]);
  });

  it('makes room: the new node sits one step after the source, and the target with everything after it moves right', () => {
    const g = graph();
    g.nodes.push({ id: 'after', type: 'logic.set', config: {}, position: { x: 900, y: 0 } }, { id: 'aside', type: 'logic.set', config: {}, position: { x: 600, y: 300 } });
    g.edges.push({ source: 'set', sourcePort: 'main', target: 'after' });
    const { doc } = change(g, emptyHistory(), 'insert', (d) => void insertOnEdge(d, catalog, { source: 'hook', target: 'check' }, setNode('shape')));
    expect(at(doc, 'shape')).to.deep.equal({ x: STEP_X, y: 0 });
    expect(at(doc, 'check')).to.deep.equal({ x: 2 * STEP_X, y: 0 });
    expect(at(doc, 'set')).to.deep.equal({ x: 600 + STEP_X, y: 0 });
    expect(at(doc, 'after')).to.deep.equal({ x: 900 + STEP_X, y: 0 });
    expect(at(doc, 'aside')).to.deep.equal({ x: 600, y: 300 }, 'a node the target does not reach stays');
  });

  it('leaves the layout alone when there is room between the two nodes', () => {
    const g = graph();
    g.nodes[2].position = { x: 1200, y: 0 };
    const { doc } = change(g, emptyHistory(), 'insert', (d) => void insertOnEdge(d, catalog, { source: 'check', sourcePort: 'true', target: 'set' }, setNode('shape')));
    expect(at(doc, 'set')).to.deep.equal({ x: 1200, y: 0 });
  });

  it('wires the first port of a node without main (a condition continues from true)', () => {
    const withCondition = change(graph(), emptyHistory(), 'insert', (d) => void insertOnEdge(d, catalog, { source: 'hook', target: 'check' }, { id: 'gate', type: 'logic.condition', config: {} })).doc;
    expect(withCondition.edges).to.deep.include({ source: 'gate', sourcePort: 'true', target: 'check' });
    expect(firstOutput({ type: 'http.request', config: {} }, catalog)).to.equal('main');
    expect(firstOutput({ type: 'logic.condition', config: {} }, catalog)).to.equal('true');
    expect(firstOutput({ type: 'logic.switch', config: { cases: [] } }, catalog)).to.equal('default');
  });

  it('undoes the whole insertion in one step', () => {
    const before = graph();
    const done = change(before, emptyHistory(), 'insert', (d) => void insertOnEdge(d, catalog, { source: 'hook', target: 'check' }, setNode('shape')));
    expect(done.history.past).to.have.length(1);
    const undone = undo(done.doc, done.history);
    expect(undone.doc).to.deep.equal(before);
  });

  it('refuses an edge that is not in the graph, and a trigger in between', () => {
    const g = graph();
    const missing = change(g, emptyHistory(), 'insert', (d) => void insertOnEdge(d, catalog, { source: 'hook', target: 'set' }, setNode('shape')));
    expect(missing.doc).to.equal(g);
    const trigger = change(g, emptyHistory(), 'insert', (d) => void insertOnEdge(d, catalog, { source: 'hook', target: 'check' }, { id: 't2', type: 'trigger.manual', config: {} }));
    expect(trigger.doc).to.equal(g);
  });

  it('adds a node after an output port, connected to that port, in a free spot below the others', () => {
    const g = graph();
    const { doc } = change(g, emptyHistory(), 'add', (d) => void addAfterPort(d, catalog, 'check', 'false', setNode('no')));
    expect(doc.edges.at(-1)).to.deep.equal({ source: 'check', sourcePort: 'false', target: 'no' });
    // One step right of the condition, one row down for its second port; set (600,0) is in the way of row 0 only.
    expect(at(doc, 'no')).to.deep.equal({ x: 600, y: 120 });
    const again = change(doc, emptyHistory(), 'add', (d) => void addAfterPort(d, catalog, 'check', 'false', setNode('no_2'))).doc;
    expect(at(again, 'no_2')).to.deep.equal({ x: 600, y: 240 }, 'not on top of the first');
    expect(change(g, emptyHistory(), 'add', (d) => void addAfterPort(d, catalog, 'ghost', 'main', setNode('x'))).doc).to.equal(g);
  });

  it('finds what a node reaches', () => {
    expect([...downstream(graph(), 'check')].sort()).to.deep.equal(['check', 'set']);
  });
});

describe('editor: the node picker a "+" opens', () => {
  it('offers every type but triggers, in palette order, filtered by the search', () => {
    expect(pickerChoices(types).map((t) => t.type)).to.deep.equal(['logic.condition', 'logic.set', 'logic.switch', 'http.request']);
    expect(pickerChoices(types, 'http').map((t) => t.type)).to.deep.equal(['http.request']);
    expect(pickerChoices(types, 'webhook')).to.deep.equal([]);
  });

  it('moves the highlighted choice with the arrow keys, Home and End, wrapping at the ends', () => {
    expect(stepChoice(0, 'ArrowDown', 3)).to.equal(1);
    expect(stepChoice(2, 'ArrowDown', 3)).to.equal(0);
    expect(stepChoice(0, 'ArrowUp', 3)).to.equal(2);
    expect(stepChoice(1, 'Home', 3)).to.equal(0);
    expect(stepChoice(0, 'End', 3)).to.equal(2);
    expect(stepChoice(5, 'a', 3)).to.equal(2, 'a shorter list keeps the highlight inside it');
    expect(stepChoice(0, 'ArrowDown', 0)).to.equal(0);
  });
});

describe('editor: the edge pointed at', () => {
  it('shows one edge’s "+" at a time, and hides it a moment after the pointer leaves unless it comes back', async () => {
    const hover = createEdgeHover(20);
    let changes = 0;
    hover.subscribe(() => changes++);
    hover.enter('a');
    hover.enter('b');
    expect(hover.get()).to.equal('b');
    hover.leave('b');
    expect(hover.get()).to.equal('b', 'still shown while the pointer travels to the "+"');
    hover.enter('b');
    await new Promise((r) => setTimeout(r, 40));
    expect(hover.get()).to.equal('b');
    hover.leave('b');
    await new Promise((r) => setTimeout(r, 40));
    expect(hover.get()).to.equal(null);
    expect(changes).to.equal(3);
  });
});
