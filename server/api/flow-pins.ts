import type { FlowGraph } from '../../schemas/flow.js';
import type { PinData } from '../db/models/runtime.js';
import { badRequest, type ErrorDetail } from '../lib/errors.js';
import { pinsForGraph } from '../runtime/pins.js';

const pointer = (key: string) => `/pinData/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** Pins as sent (schema-checked to be an object or null) whose every key must be a node of the graph; null when empty. */
export function checkedPins(pins: unknown, graph: FlowGraph): PinData | null {
  if (pins === null || pins === undefined) return null;
  const ids = new Set(graph.nodes.map((n) => n.id));
  const details: ErrorDetail[] = Object.keys(pins as PinData)
    .filter((key) => !ids.has(key))
    .map((key) => ({ path: pointer(key), message: `pins data on "${key}", which is not a node of the graph` }));
  if (details.length) throw badRequest(`pinData names ${details.length > 1 ? 'nodes' : 'a node'} the graph does not have: ${details.map((d) => d.path.slice(9)).join(', ')}.`, details);
  return Object.keys(pins as PinData).length ? (pins as PinData) : null;
}

/**
 * The pins a save leaves: the ones sent (checked against the graph it saves, or the current one), or,
 * when none are sent, the current ones without those of nodes the new graph removed.
 */
export function savedPins(sent: unknown, current: PinData | null, graph: FlowGraph | undefined, currentGraph: FlowGraph | undefined): PinData | null {
  if (sent !== undefined) return checkedPins(sent, graph ?? currentGraph ?? { nodes: [], edges: [] });
  return graph ? pinsForGraph(current, graph.nodes.map((n) => n.id)) : current;
}

export const samePins = (a: PinData | null, b: PinData | null): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
