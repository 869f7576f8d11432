import { outputsOf, type AnyNodeDefinition } from '../../nodes/contract.js';
import type { FlowNode } from '../../schemas/flow.js';
import type { ExecutionData, PinData } from '../db/models/runtime.js';
import type { StepState } from './store.js';

/**
 * Pinned data (CONTRACT §5): on a test run a pinned node is not run; its step succeeds with the pinned
 * value as its output. Production executions carry no pins, so nothing here touches them.
 */

/** The pin of a node in this execution, or undefined (production runs, unpinned nodes). */
export function pinFor(execution: Pick<ExecutionData, 'mode' | 'pinData'>, nodeId: string): { value: unknown } | undefined {
  if (execution.mode !== 'test' || !execution.pinData) return undefined;
  return Object.prototype.hasOwnProperty.call(execution.pinData, nodeId) ? { value: execution.pinData[nodeId] } : undefined;
}

/**
 * The port a pinned value leaves by: a loop's done port (its branch is not run), else the node's first
 * output that is not `error` (main for most nodes, true for a condition).
 */
export function pinnedPort(node: FlowNode, definition: AnyNodeDefinition): string {
  if (definition.loop) return definition.loop.donePort;
  return outputsOf(definition, node.config ?? {}).find((port) => port !== 'error') ?? 'main';
}

/** A pinned step is marked in `wait` (the column a settled step leaves free), so the executions API and events can say so. */
export function pinnedStep(node: FlowNode, definition: AnyNodeDefinition, value: unknown): StepState {
  const now = new Date();
  return { nodeId: node.id, status: 'succeeded', attempt: 1, outputs: { [pinnedPort(node, definition)]: value }, error: null, logs: [], wait: { pinned: true }, startedAt: now, finishedAt: now };
}

export const isPinned = (step: Pick<StepState, 'wait'>): boolean => step.wait?.pinned === true;

/** Pins of nodes no longer in the graph are dropped when a save changes it. */
export function pinsForGraph(pins: PinData | null, nodeIds: Iterable<string>): PinData | null {
  if (!pins) return null;
  const ids = new Set(nodeIds);
  const kept = Object.fromEntries(Object.entries(pins).filter(([id]) => ids.has(id)));
  return Object.keys(kept).length ? kept : null;
}
