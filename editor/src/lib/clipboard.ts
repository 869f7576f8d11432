import type { FlowEdge, FlowGraph, FlowNode } from '../api/types.js';
import { newNodeId } from './ids.js';

/** What goes on the clipboard: a marked JSON document, so it pastes into another flow or another tab. */
export interface ClipboardPayload {
  switchboard: 'nodes';
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** The selected nodes and the edges between them. */
export function copySelection(graph: FlowGraph, ids: Iterable<string>): ClipboardPayload {
  const chosen = new Set(ids);
  return {
    switchboard: 'nodes',
    nodes: graph.nodes.filter((n) => chosen.has(n.id)).map((n) => structuredClone(n)),
    edges: graph.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target)).map((e) => ({ ...e })),
  };
}

/** Reads clipboard text; null when it is not nodes copied from Switchboard. */
export function parseClipboard(text: string): ClipboardPayload | null {
  try {
    const value = JSON.parse(text) as Partial<ClipboardPayload>;
    if (value?.switchboard !== 'nodes' || !Array.isArray(value.nodes)) return null;
    const nodes = value.nodes.filter((n): n is FlowNode => !!n && typeof n.id === 'string' && typeof n.type === 'string');
    const edges = (Array.isArray(value.edges) ? value.edges : []).filter((e): e is FlowEdge => !!e && typeof e.source === 'string' && typeof e.target === 'string');
    return { switchboard: 'nodes', nodes, edges };
  } catch {
    return null;
  }
}

/** The pasted nodes with ids that do not collide with the graph's, moved by `offset`, and their edges renamed to match. */
export function pastable(payload: ClipboardPayload, graph: FlowGraph, offset = { x: 40, y: 40 }): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const taken = new Set(graph.nodes.map((n) => n.id));
  const renamed = new Map<string, string>();
  const nodes = payload.nodes.map((n) => {
    const id = taken.has(n.id) ? newNodeId(n.type, taken) : n.id;
    taken.add(id);
    renamed.set(n.id, id);
    const at = n.position ?? { x: 0, y: 0 };
    return { ...structuredClone(n), id, position: { x: at.x + offset.x, y: at.y + offset.y } };
  });
  const edges = payload.edges
    .filter((e) => renamed.has(e.source) && renamed.has(e.target))
    .map((e) => ({ source: renamed.get(e.source)!, sourcePort: e.sourcePort ?? 'main', target: renamed.get(e.target)! }));
  return { nodes, edges };
}
