import type { FlowGraph, FlowNode } from '../api/types.js';
import { refuseConnection, type Catalog, type ConnectRefusal } from './graph.js';
import { outputPorts } from './ports.js';

// Connecting ports without a mouse: which nodes an output port may go to, as a list to pick from.

export interface ConnectChoice {
  id: string;
  /** The node's name, else its type's title, else its id. */
  label: string;
  type: string;
}

export interface ConnectOptions {
  /** The nodes the port may connect to, in reading order (left to right, then top to bottom). */
  choices: ConnectChoice[];
  /** How many other nodes are not offered, by why not (a loop, a trigger, already connected). */
  refused: Partial<Record<ConnectRefusal, number>>;
}

const labelOf = (node: FlowNode, catalog: Catalog): string => node.name || catalog.get(node.type)?.title || node.id;

/** The output ports of a node that can start a connection (none for an unknown node). */
export function portsOf(graph: FlowGraph, catalog: Catalog, source: string): string[] {
  const node = graph.nodes.find((n) => n.id === source);
  return node ? outputPorts(node, catalog.get(node.type)) : [];
}

/**
 * Every node `source`'s `port` may connect to: not itself, not a trigger, not one it already reaches from
 * that port, and none that would close a loop; filtered by a search over name, id, type and title.
 */
export function connectOptions(graph: FlowGraph, catalog: Catalog, source: string, port: string, search = ''): ConnectOptions {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const refused: ConnectOptions['refused'] = {};
  const allowed: FlowNode[] = [];
  for (const node of graph.nodes) {
    if (node.id === source) continue;
    const refusal = refuseConnection(graph, catalog, { source, sourcePort: port, target: node.id });
    if (refusal) refused[refusal] = (refused[refusal] ?? 0) + 1;
    else allowed.push(node);
  }
  const matches = (n: FlowNode) => {
    const text = `${n.name ?? ''} ${n.id} ${n.type} ${catalog.get(n.type)?.title ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  };
  const at = (n: FlowNode) => n.position ?? { x: 0, y: 0 };
  const choices = allowed
    .filter(matches)
    .sort((a, b) => at(a).x - at(b).x || at(a).y - at(b).y || a.id.localeCompare(b.id))
    .map((n) => ({ id: n.id, label: labelOf(n, catalog), type: n.type }));
  return { choices, refused };
}

const REASONS: Record<ConnectRefusal, (n: number) => string> = {
  cycle: (n) => `${n} would make a loop`,
  into_trigger: (n) => `${n} ${n === 1 ? 'is a trigger' : 'are triggers'}`,
  duplicate: (n) => `${n} already connected from this port`,
  unknown_node: (n) => `${n} unknown`,
};

/** "Not offered: 2 would make a loop, 1 is a trigger." or '' when every other node is offered. */
export function refusedText(refused: ConnectOptions['refused']): string {
  const parts = (Object.keys(REASONS) as ConnectRefusal[]).filter((k) => refused[k]).map((k) => REASONS[k](refused[k]!));
  return parts.length ? `Not offered: ${parts.join(', ')}.` : '';
}

/** The nodes a port is connected to now, for the node panel to show. */
export function targetsOf(graph: FlowGraph, source: string, port: string): string[] {
  return graph.edges.filter((e) => e.source === source && (e.sourcePort ?? 'main') === port).map((e) => e.target);
}
