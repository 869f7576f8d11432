import type { FlowNode } from '../api/types.js';

export type Size = { width: number; height: number };

/** A flow node as React Flow takes it (`Node<{ node: FlowNode }, 'flow'>`, FlowNodeCard's props). */
export interface CanvasFlowNode {
  id: string;
  type: 'flow';
  position: { x: number; y: number };
  data: { node: FlowNode };
  selected: boolean;
  measured?: Size;
}

interface Entry {
  source: FlowNode;
  selected: boolean;
  size?: Size;
  node: CanvasFlowNode;
}

/** The node objects last handed to React Flow, by node id, with what each was built from. */
export type NodeCache = ReadonlyMap<string, Entry>;

/**
 * React Flow's node objects for the document's nodes. A node whose document entry, selection and size
 * are unchanged keeps its object, so an event about one node re-renders that node only; a rebuilt node
 * keeps its `data` unless its document entry changed, so a new size or selection does not re-render the
 * card inside (FlowNodeCard compares `data`).
 *
 * A node's size is the one React Flow measured (`sizes`); before that, `unmeasured` when given: the size
 * its card is known to have (a compact card's is fixed by its CSS). React Flow hides a node without a
 * size until a ResizeObserver has measured it; with one it draws the node at once, and its measurement
 * reports no change when the size was right. A node keeps the size it was first given until it is
 * measured, so a zoom that makes cards full again does not take it away from every node (hiding them).
 */
export function canvasNodes(
  nodes: readonly FlowNode[],
  selected: ReadonlySet<string>,
  sizes: ReadonlyMap<string, Size>,
  cache: NodeCache,
  unmeasured: Size | undefined,
): { list: CanvasFlowNode[]; cache: NodeCache } {
  const next = new Map<string, Entry>();
  const list = nodes.map((n) => {
    const isSelected = selected.has(n.id);
    const cached = cache.get(n.id);
    const size = sizes.get(n.id) ?? cached?.size ?? unmeasured;
    const entry =
      cached && cached.source === n && cached.selected === isSelected && cached.size === size
        ? cached
        : {
            source: n,
            selected: isSelected,
            size,
            node: { id: n.id, type: 'flow' as const, position: n.position ?? { x: 0, y: 0 }, data: cached && cached.source === n ? cached.node.data : { node: n }, selected: isSelected, ...(size ? { measured: size } : {}) },
          };
    next.set(n.id, entry);
    return entry.node;
  });
  return { list, cache: next };
}
