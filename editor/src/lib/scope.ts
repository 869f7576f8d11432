import type { FlowEdge, FlowGraph } from '../api/types.js';
import type { Catalog } from './graph.js';
import type { NodeRun, RunOverlay } from './overlay.js';

/** What `{{ … }}` in a node's config can see, from the run shown on the canvas (as the server builds it). */
export interface ExpressionScope {
  json: unknown;
  trigger: unknown;
  node: Record<string, unknown>;
  execution: { id: string; flowId?: string };
}

/** A node's expression context: the nodes upstream of it (nearest first) and the last known data. */
export interface NodeScope {
  nodeId: string;
  upstream: string[];
  /** Undefined when no execution is shown on the canvas: nothing is known yet. */
  scope?: ExpressionScope;
}

const portOf = (edge: FlowEdge): string => edge.sourcePort ?? 'main';

/** Every node the given one can receive data from, directly or not, nearest first. */
export function upstreamOf(edges: readonly FlowEdge[], nodeId: string): string[] {
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.target, [...(parents.get(e.target) ?? []), e.source]);
  const seen = new Set<string>([nodeId]);
  const out: string[] = [];
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const parent of parents.get(id) ?? []) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        out.push(parent);
        next.push(parent);
      }
    }
    frontier = next;
  }
  return out;
}

/** The value a run passed along one port: its output, or that port's entry when several fired. */
function portValue(run: NodeRun, port: string): unknown {
  if (run.ports && run.ports.length > 1) return (run.output as Record<string, unknown> | null)?.[port];
  return run.output;
}

function fired(run: NodeRun | undefined, port: string): run is NodeRun {
  if (!run || run.status !== 'succeeded') return false;
  return !run.ports || run.ports.includes(port);
}

/**
 * What a node received in the run (`$json`), as the engine joins it: the one live parent's value, or,
 * with several, an object keyed by parent id. The trigger that started the run received its input.
 * Undefined when no parent has data.
 */
export function inputOf(edges: readonly FlowEdge[], overlay: RunOverlay | null, nodeId: string): unknown {
  if (!overlay) return undefined;
  if (overlay.triggerNodeId === nodeId && 'input' in overlay) return overlay.input;
  const live = edges.filter((e) => e.target === nodeId && fired(overlay.nodes[e.source], portOf(e)));
  const parents = [...new Set(live.map((e) => e.source))];
  const valueFrom = (parent: string) => portValue(overlay.nodes[parent], portOf(live.find((e) => e.source === parent)!));
  if (parents.length === 1) return valueFrom(parents[0]);
  return parents.length ? Object.fromEntries(parents.map((p) => [p, valueFrom(p)])) : undefined;
}

function triggerOf(doc: FlowGraph, catalog: Catalog, overlay: RunOverlay): string | undefined {
  if (overlay.triggerNodeId) return overlay.triggerNodeId;
  return doc.nodes.find((n) => catalog.get(n.type)?.trigger && overlay.nodes[n.id]?.status === 'succeeded')?.id;
}

/** The node's expression context from the document and the run overlay. */
export function nodeScope(doc: FlowGraph, catalog: Catalog, overlay: RunOverlay | null, nodeId: string): NodeScope {
  const upstream = upstreamOf(doc.edges, nodeId);
  if (!overlay) return { nodeId, upstream };
  const node: Record<string, unknown> = {};
  for (const id of upstream) if (overlay.nodes[id]?.status === 'succeeded') node[id] = overlay.nodes[id].output;
  const trigger = triggerOf(doc, catalog, overlay);
  const triggerValue = trigger === nodeId ? inputOf(doc.edges, overlay, nodeId) : trigger ? overlay.nodes[trigger]?.output : undefined;
  return { nodeId, upstream, scope: { json: inputOf(doc.edges, overlay, nodeId), trigger: triggerValue, node, execution: { id: overlay.executionId } } };
}

/**
 * A memoised `nodeScope` for store selectors: the same object comes back while nothing the node can see
 * changed (its edges, the runs of itself and its upstream nodes), so a stream of events about other
 * nodes, or typing in the config, re-renders none of the inputs that read it.
 */
export function scopeSelector(): (doc: FlowGraph, catalog: Catalog, overlay: RunOverlay | null, nodeId: string) => NodeScope {
  let last: { edges: readonly FlowEdge[]; nodeId: string; overlayKey: unknown[]; result: NodeScope } | null = null;
  const keyOf = (overlay: RunOverlay | null, ids: readonly string[]): unknown[] =>
    overlay ? [overlay.executionId, overlay.triggerNodeId, overlay.input, ...ids.map((id) => overlay.nodes[id])] : [null];
  const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  return (doc, catalog, overlay, nodeId) => {
    if (last && last.edges === doc.edges && last.nodeId === nodeId && same(last.overlayKey, keyOf(overlay, [nodeId, ...last.result.upstream]))) return last.result;
    const result = nodeScope(doc, catalog, overlay, nodeId);
    last = { edges: doc.edges, nodeId, overlayKey: keyOf(overlay, [nodeId, ...result.upstream]), result };
    return result;
  };
}
