import type { FlowEdge, FlowGraph, FlowNode } from '../api/types.js';
import { connect, type Catalog } from './graph.js';
import { edgeKey } from './ids.js';
import { outputPorts } from './ports.js';

// Adding a node by a "+" on an edge (in between) or on an output port, as immer recipes: the caller runs
// one of them inside one `edit`, so a single undo takes the whole insertion back.

/** How far apart nodes are placed: a node's width (220) and the gap an edge needs to be seen. */
export const STEP_X = 300;
export const STEP_Y = 120;

const positionOf = (graph: FlowGraph, id: string) => graph.nodes.find((n) => n.id === id)?.position ?? { x: 0, y: 0 };

/** The port a new node continues the flow from: `main` when it has one, else its first; null when it has none. */
export function firstOutput(node: Pick<FlowNode, 'type' | 'config'>, catalog: Catalog): string | null {
  const ports = outputPorts(node, catalog.get(node.type));
  return ports.includes('main') ? 'main' : (ports[0] ?? null);
}

/** Every node `from` reaches, itself included. */
export function downstream(graph: FlowGraph, from: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const e of graph.edges) children.set(e.source, [...(children.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return seen;
}

/** A free spot at `at` or below it, so a new node does not land on another one. */
export function freeSpot(graph: FlowGraph, at: { x: number; y: number }): { x: number; y: number } {
  const overlaps = (p: { x: number; y: number }) => graph.nodes.some((n) => Math.abs((n.position?.x ?? 0) - p.x) < STEP_X - 40 && Math.abs((n.position?.y ?? 0) - p.y) < STEP_Y - 20);
  const spot = { x: Math.round(at.x), y: Math.round(at.y) };
  while (overlaps(spot)) spot.y += STEP_Y;
  return spot;
}

/**
 * Splits `edge` with `node`: source → node (the edge's port) and node → target (the node's first output).
 * The node goes one step right of the source; the target and everything after it move right by one
 * step when they would sit under it, so the layout makes room. False when the edge is not in the graph.
 */
export function insertOnEdge(draft: FlowGraph, catalog: Catalog, edge: FlowEdge, node: FlowNode): boolean {
  if (catalog.get(node.type)?.trigger) return false;
  const key = edgeKey(edge);
  const index = draft.edges.findIndex((e) => edgeKey(e) === key);
  if (index < 0) return false;
  const port = draft.edges[index].sourcePort ?? 'main';
  const source = positionOf(draft, edge.source);
  const target = positionOf(draft, edge.target);
  const at = { x: source.x + STEP_X, y: Math.round((source.y + target.y) / 2) };
  if (target.x < at.x + STEP_X) {
    const shift = at.x + STEP_X - target.x;
    const moving = downstream(draft, edge.target);
    for (const n of draft.nodes) if (moving.has(n.id) && n.position) n.position = { x: n.position.x + shift, y: n.position.y };
  }
  draft.edges.splice(index, 1);
  draft.nodes.push({ ...node, position: at });
  connect(draft, { source: edge.source, sourcePort: port, target: node.id });
  const out = firstOutput(node, catalog);
  if (out) connect(draft, { source: node.id, sourcePort: out, target: edge.target });
  return true;
}

/** Adds `node` after `source`'s `port`, one step right (lower for the later ports), in a free spot. */
export function addAfterPort(draft: FlowGraph, catalog: Catalog, source: string, port: string, node: FlowNode): boolean {
  const from = draft.nodes.find((n) => n.id === source);
  if (!from || catalog.get(node.type)?.trigger) return false;
  const ports = outputPorts(from, catalog.get(from.type));
  const rank = Math.max(0, ports.indexOf(port));
  const p = from.position ?? { x: 0, y: 0 };
  draft.nodes.push({ ...node, position: freeSpot(draft, { x: p.x + STEP_X, y: p.y + rank * STEP_Y }) });
  connect(draft, { source, sourcePort: port, target: node.id });
  return true;
}
