import type { Execution, ExecutionEvent, StepError, StepStatus } from '../api/types.js';

/** What the canvas shows of one node during or after a run. */
export interface NodeRun {
  status: StepStatus;
  attempt?: number;
  output?: unknown;
  error?: StepError | null;
}

export interface RunOverlay {
  executionId: string;
  status: string;
  nodes: Record<string, NodeRun>;
}

const STEP_STATUS: Partial<Record<ExecutionEvent['type'], StepStatus>> = {
  'step.started': 'running',
  'step.succeeded': 'succeeded',
  'step.failed': 'failed',
  'step.skipped': 'skipped',
  'step.waiting': 'waiting',
};

/**
 * Folds one live event into the overlay. Only the touched node's entry is replaced, so only that node
 * re-renders. Events of another execution start a new overlay when they open one, else are ignored.
 */
export function applyEvent(overlay: RunOverlay | null, event: ExecutionEvent): RunOverlay | null {
  if (!overlay || overlay.executionId !== event.executionId) {
    if (event.type !== 'execution.started' && overlay) return overlay;
    overlay = { executionId: event.executionId, status: 'running', nodes: {} };
  }
  if (event.type === 'execution.started' || event.type === 'execution.finished') return { ...overlay, status: event.status };
  const status = STEP_STATUS[event.type];
  if (!status || !event.nodeId) return overlay;
  const before = overlay.nodes[event.nodeId];
  const run: NodeRun = {
    status,
    attempt: event.attempt ?? before?.attempt,
    output: 'output' in event ? event.output : before?.output,
    error: event.error ?? (status === 'failed' ? before?.error : null),
  };
  return { ...overlay, nodes: { ...overlay.nodes, [event.nodeId]: run } };
}

/** The overlay of a finished (or running) execution, from its detail. */
export function overlayOf(execution: Execution): RunOverlay {
  const nodes: Record<string, NodeRun> = {};
  for (const step of execution.steps) nodes[step.nodeId] = { status: step.status, attempt: step.attempt, output: step.output, error: step.error };
  return { executionId: execution.id, status: execution.status, nodes };
}
