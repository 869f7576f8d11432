import { expect } from 'chai';
import { canvasNodes, type NodeCache } from '../../../editor/src/editor/canvas-nodes.js';
import { COMPACT_CARD } from '../../../editor/src/lib/viewport.js';
import { graph } from './fixtures.js';

const none = new Set<string>();
const noSizes = new Map<string, { width: number; height: number }>();
const empty: NodeCache = new Map();

describe('editor: the node objects the canvas hands to React Flow', () => {
  it('gives compact cards their known size before they are measured, so React Flow shows them at once', () => {
    const { list } = canvasNodes(graph().nodes, none, noSizes, empty, COMPACT_CARD);
    expect(list.map((n) => n.measured)).to.deep.equal([COMPACT_CARD, COMPACT_CARD, COMPACT_CARD]);
    expect(list[1]).to.include({ id: 'check', type: 'flow', selected: false });
    expect(list[1]!.position).to.deep.equal({ x: 300, y: 0 });
  });

  it('gives full cards no size until measured (React Flow hides them until then), and a measured size once known', () => {
    const first = canvasNodes(graph().nodes, none, noSizes, empty, undefined);
    expect(first.list.map((n) => n.measured)).to.deep.equal([undefined, undefined, undefined]);
    const measured = new Map([['check', { width: 220, height: 96 }]]);
    const next = canvasNodes(graph().nodes, none, measured, first.cache, undefined);
    expect(next.list[1]!.measured).to.deep.equal({ width: 220, height: 96 });
  });

  it('keeps the object of every node whose entry, selection and size are unchanged, and the data of a node merely selected or measured', () => {
    const doc = graph();
    const first = canvasNodes(doc.nodes, none, noSizes, empty, COMPACT_CARD);
    const again = canvasNodes(doc.nodes, none, noSizes, first.cache, COMPACT_CARD);
    expect(again.list.every((n, i) => n === first.list[i])).to.equal(true);

    const selected = canvasNodes(doc.nodes, new Set(['set']), new Map([['hook', { width: 220, height: 90 }]]), again.cache, COMPACT_CARD);
    expect(selected.list[1]).to.equal(first.list[1]);
    expect(selected.list[2]).to.not.equal(first.list[2]);
    expect(selected.list[2]!.selected).to.equal(true);
    expect(selected.list[2]!.data).to.equal(first.list[2]!.data, 'a selection does not re-render the card');
    expect(selected.list[0]!.measured).to.deep.equal({ width: 220, height: 90 });
    expect(selected.list[0]!.data).to.equal(first.list[0]!.data, 'a measurement does not re-render the card');

    const edited = { ...doc.nodes[2]!, name: 'Renamed' };
    const after = canvasNodes([doc.nodes[0]!, doc.nodes[1]!, edited], new Set(['set']), noSizes, selected.cache, COMPACT_CARD);
    expect(after.list[2]!.data.node).to.equal(edited);
  });

  it('keeps the size a node was first drawn at until it is measured, when cards turn full on zooming in', () => {
    const compact = canvasNodes(graph().nodes, none, noSizes, empty, COMPACT_CARD);
    const zoomedIn = canvasNodes(graph().nodes, new Set(['hook']), noSizes, compact.cache, undefined);
    // Taking the size away would hide every card until React Flow measured it again.
    expect(zoomedIn.list.map((n) => n.measured)).to.deep.equal([COMPACT_CARD, COMPACT_CARD, COMPACT_CARD]);
    const added = { id: 'later', type: 'logic.set', config: {}, position: { x: 900, y: 0 } };
    const withNew = canvasNodes([...graph().nodes, added], none, noSizes, zoomedIn.cache, undefined);
    expect(withNew.list[3]!.measured).to.equal(undefined, 'a node added while cards are full waits for its measurement');
  });

  it('forgets nodes that left the document', () => {
    const first = canvasNodes(graph().nodes, none, noSizes, empty, COMPACT_CARD);
    const fewer = canvasNodes(graph().nodes.slice(0, 1), none, noSizes, first.cache, COMPACT_CARD);
    expect([...fewer.cache.keys()]).to.deep.equal(['hook']);
  });
});
