import type { FlowEdge, FlowGraph, FlowNode, NodeType, StickyNote } from '../api/types.js';
import { edgeKey } from './ids.js';
import { outputPorts } from './ports.js';
import { pinsToSave } from './pins.js';

// Changes to a flow document, written as immer recipes (they mutate a draft) so that every one of them
// is undoable through history.ts. None of them knows about React.

export type Catalog = ReadonlyMap<string, NodeType>;

export const catalogOf = (types: NodeType[]): Catalog => new Map(types.map((t) => [t.type, t]));

/** A document as the server sent it, made regular: edges always present, ports explicit, notes kept when given. */
export function normalise(graph: { nodes: FlowNode[]; edges?: FlowEdge[]; notes?: StickyNote[]; pinData?: Record<string, unknown> }): FlowGraph {
  return {
    nodes: graph.nodes.map((n) => ({ ...n, config: n.config ?? {}, position: n.position ?? { x: 0, y: 0 } })),
    edges: (graph.edges ?? []).map((e) => ({ source: e.source, sourcePort: e.sourcePort ?? 'main', target: e.target })),
    ...(graph.notes?.length ? { notes: graph.notes } : {}),
    ...(graph.pinData && Object.keys(graph.pinData).length ? { pinData: graph.pinData } : {}),
  };
}

/** The document the canvas edits for a flow (or a version): its graph with its sticky notes. */
export const documentOf = (flow: { graph: { nodes: FlowNode[]; edges?: FlowEdge[] }; notes?: StickyNote[]; pinData?: Record<string, unknown> }): FlowGraph =>
  normalise({ ...flow.graph, notes: flow.notes, pinData: flow.pinData });

/** What a save sends: the graph as the API takes it and the notes beside it (an empty list clears them). */
export const saveFields = (doc: FlowGraph): { graph: FlowGraph; notes: StickyNote[]; pinData: Record<string, unknown> } => ({ graph: toDocument(doc), notes: doc.notes ?? [], pinData: pinsToSave(doc) });

/** Flows written without positions (the seed examples, API scripts) pile up at 0,0: they are laid out on opening. */
export const needsLayout = (graph: { nodes: FlowNode[] }): boolean => graph.nodes.length > 1 && graph.nodes.every((n) => !n.position);

export function addNode(draft: FlowGraph, node: FlowNode): void {
  draft.nodes.push(node);
}

export function removeNodes(draft: FlowGraph, ids: Iterable<string>): void {
  const gone = new Set(ids);
  draft.nodes = draft.nodes.filter((n) => !gone.has(n.id));
  draft.edges = draft.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target));
}

export function removeEdges(draft: FlowGraph, keys: Iterable<string>): void {
  const gone = new Set(keys);
  draft.edges = draft.edges.filter((e) => !gone.has(edgeKey(e)));
}

/** Whether `target` already reaches `source`, so an edge source → target would close a cycle. */
export function wouldCycle(graph: FlowGraph, source: string, target: string): boolean {
  if (source === target) return true;
  const children = new Map<string, string[]>();
  for (const e of graph.edges) children.set(e.source, [...(children.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return false;
}

export type ConnectRefusal = 'cycle' | 'duplicate' | 'unknown_node' | 'into_trigger';

/** Why an edge cannot be drawn, or null when it can. */
export function refuseConnection(graph: FlowGraph, catalog: Catalog, edge: FlowEdge): ConnectRefusal | null {
  const source = graph.nodes.find((n) => n.id === edge.source);
  const target = graph.nodes.find((n) => n.id === edge.target);
  if (!source || !target) return 'unknown_node';
  if (catalog.get(target.type)?.trigger) return 'into_trigger';
  const key = edgeKey(edge);
  if (graph.edges.some((e) => edgeKey(e) === key)) return 'duplicate';
  if (wouldCycle(graph, edge.source, edge.target)) return 'cycle';
  return null;
}

export function connect(draft: FlowGraph, edge: FlowEdge): void {
  draft.edges.push({ source: edge.source, sourcePort: edge.sourcePort ?? 'main', target: edge.target });
}

export function moveNodes(draft: FlowGraph, positions: ReadonlyMap<string, { x: number; y: number }>): void {
  for (const node of draft.nodes) {
    const p = positions.get(node.id);
    if (p) node.position = { x: Math.round(p.x), y: Math.round(p.y) };
  }
}

/** Replaces a node's config; edges from ports the new config no longer has are dropped with it. */
export function setConfig(draft: FlowGraph, catalog: Catalog, id: string, config: Record<string, unknown>): void {
  const node = draft.nodes.find((n) => n.id === id);
  if (!node) return;
  node.config = config;
  const ports = new Set(outputPorts(node, catalog.get(node.type)));
  draft.edges = draft.edges.filter((e) => e.source !== id || ports.has(e.sourcePort ?? 'main'));
}

export function rename(draft: FlowGraph, id: string, name: string): void {
  const node = draft.nodes.find((n) => n.id === id);
  if (!node) return;
  if (name.trim()) node.name = name;
  else delete node.name;
}

/** The document the API takes: edges with default ports left out, positions kept. */
export function toDocument(graph: FlowGraph): FlowGraph {
  return {
    nodes: graph.nodes.map((n) => ({ ...n })),
    edges: graph.edges.map((e) => ({ source: e.source, ...(e.sourcePort && e.sourcePort !== 'main' ? { sourcePort: e.sourcePort } : {}), target: e.target })),
  };
}
