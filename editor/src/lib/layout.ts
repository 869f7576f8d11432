import dagre from '@dagrejs/dagre';
import type { FlowGraph } from '../api/types.js';

export const NODE_SIZE = { width: 220, height: 76 };

/** Left-to-right positions for every node (dagre), edges grouped by port order so branches do not cross. */
export function autoLayout(graph: FlowGraph): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { ...NODE_SIZE });
  graph.edges.forEach((e, i) => g.setEdge(e.source, e.target, {}, `${e.sourcePort ?? 'main'}:${i}`));
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of graph.nodes) {
    const laid = g.node(node.id) as { x: number; y: number };
    // dagre gives centres; the canvas places nodes by their top-left corner.
    positions.set(node.id, { x: Math.round(laid.x - NODE_SIZE.width / 2), y: Math.round(laid.y - NODE_SIZE.height / 2) });
  }
  return positions;
}
