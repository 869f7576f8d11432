import type { Draft } from 'immer';
import type { FlowGraph } from '../api/types.js';

/**
 * Pinned data (docs/debugging.md): a node's pinned value is what it emits on test runs instead of
 * running. Pins live in the document the canvas edits (`doc.pinData`), so pinning and unpinning are
 * undoable like any edit and saved with the flow.
 */

export type PinData = Record<string, unknown>;

const own = (pins: PinData | undefined, nodeId: string): boolean => !!pins && Object.prototype.hasOwnProperty.call(pins, nodeId);

export const isPinned = (doc: Pick<FlowGraph, 'pinData'>, nodeId: string): boolean => own(doc.pinData, nodeId);

/** The pinned value of a node, or undefined when it has none. */
export const pinOf = (doc: Pick<FlowGraph, 'pinData'>, nodeId: string): { value: unknown } | undefined => (own(doc.pinData, nodeId) ? { value: doc.pinData![nodeId] } : undefined);

/** Recipe for the store's `edit`: pins a value on a node. */
export function pin(draft: Draft<FlowGraph>, nodeId: string, value: unknown): void {
  draft.pinData = { ...(draft.pinData ?? {}), [nodeId]: value as never };
}

/** Recipe for the store's `edit`: removes a node's pin (and the empty map with the last one). */
export function unpin(draft: Draft<FlowGraph>, nodeId: string): void {
  if (!draft.pinData || !own(draft.pinData as PinData, nodeId)) return;
  const { [nodeId]: _dropped, ...rest } = draft.pinData as PinData;
  if (Object.keys(rest).length) draft.pinData = rest as never;
  else delete draft.pinData;
}

/**
 * What a save sends as `pinData`: the pins of nodes still in the graph (a deleted node's pin would be
 * refused by the server), `{}` when none is left (which clears the stored pins).
 */
export function pinsToSave(doc: FlowGraph): PinData {
  const ids = new Set(doc.nodes.map((n) => n.id));
  return Object.fromEntries(Object.entries(doc.pinData ?? {}).filter(([id]) => ids.has(id)));
}

/** Parses the JSON a person typed as a pin: the value, or a message saying what is wrong. */
export function parsePin(text: string): { value: unknown } | { error: string } {
  if (!text.trim()) return { error: 'Type the JSON this node should emit on test runs.' };
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { error: `Not JSON: ${(err as Error).message}` };
  }
}

/** The JSON shown in the pin editor for a value. */
export const pinText = (value: unknown): string => JSON.stringify(value ?? {}, null, 2);
