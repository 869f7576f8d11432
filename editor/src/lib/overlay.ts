import type { Execution, ExecutionEvent, StepError, StepStatus } from '../api/types.js';

/** What the canvas shows of one node during or after a run. */
export interface NodeRun {
  status: StepStatus;
  attempt?: number;
  output?: unknown;
  error?: StepError | null;
  /** The ports that fired, when the execution's detail said so: an edge carries its port's value. */
  ports?: string[];
  logs?: unknown[];
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface RunOverlay {
  executionId: string;
  status: string;
  nodes: Record<string, NodeRun>;
  startedAt?: string | null;
  finishedAt?: string | null;
  /** The trigger node that started the execution, and what it received (its `$json`). */
  triggerNodeId?: string;
  input?: unknown;
}

const STEP_STATUS: Partial<Record<ExecutionEvent['type'], StepStatus>> = {
  'step.started': 'running',
  'step.succeeded': 'succeeded',
  'step.failed': 'failed',
  'step.skipped': 'skipped',
  'step.waiting': 'waiting',
};

const SETTLED: ReadonlySet<StepStatus> = new Set(['succeeded', 'failed', 'skipped']);

function nodeRun(before: NodeRun | undefined, event: ExecutionEvent, status: StepStatus): NodeRun {
  // Pure nodes report no start: their step starts and ends at the one event.
  const startedAt = before?.startedAt ?? event.at;
  return {
    status,
    attempt: event.attempt ?? before?.attempt,
    output: 'output' in event ? event.output : before?.output,
    error: event.error ?? (status === 'failed' ? before?.error : null),
    startedAt,
    finishedAt: SETTLED.has(status) ? event.at : null,
  };
}

/**
 * Folds live events into the overlay, in order. Only the touched nodes' entries are replaced (the
 * others keep their identity, so only the touched nodes re-render), and the node map is copied once per
 * batch, not once per event. Events of another execution start a new overlay when they open one, else
 * are ignored.
 */
export function applyEvents(overlay: RunOverlay | null, events: readonly ExecutionEvent[]): RunOverlay | null {
  let out = overlay;
  let copied = false;
  for (const event of events) {
    if (!out || out.executionId !== event.executionId) {
      if (event.type !== 'execution.started' && out) continue;
      out = { executionId: event.executionId, status: 'running', nodes: {} };
      copied = true;
    }
    if (event.type === 'execution.started') {
      out = { ...out, status: event.status, startedAt: out.startedAt ?? event.at, ...(event.nodeId ? { triggerNodeId: event.nodeId } : {}) };
      continue;
    }
    if (event.type === 'execution.finished') {
      out = { ...out, status: event.status, finishedAt: event.at };
      continue;
    }
    const status = STEP_STATUS[event.type];
    if (!status || !event.nodeId) continue;
    if (!copied) {
      out = { ...out, nodes: { ...out.nodes } };
      copied = true;
    }
    out.nodes[event.nodeId] = nodeRun(out.nodes[event.nodeId], event, status);
  }
  return out;
}

export const applyEvent = (overlay: RunOverlay | null, event: ExecutionEvent): RunOverlay | null => applyEvents(overlay, [event]);

/** The overlay of a finished (or running) execution, from its detail. */
export function overlayOf(execution: Execution): RunOverlay {
  const nodes: Record<string, NodeRun> = {};
  for (const step of execution.steps) {
    const { ports } = step as { ports?: string[] };
    nodes[step.nodeId] = {
      status: step.status,
      attempt: step.attempt,
      output: step.output,
      error: step.error,
      ...(ports ? { ports } : {}),
      logs: step.logs,
      startedAt: step.startedAt,
      finishedAt: step.finishedAt,
    };
  }
  return {
    executionId: execution.id,
    status: execution.status,
    nodes,
    startedAt: execution.startedAt,
    finishedAt: execution.finishedAt,
    ...(execution.trigger?.nodeId ? { triggerNodeId: execution.trigger.nodeId } : {}),
    ...('input' in execution ? { input: execution.input } : {}),
  };
}

/**
 * The detail of an execution fetched after its live events: it adds what events do not carry (logs,
 * fired ports, the input, exact times). Ignored when the canvas has moved on to another execution.
 */
export function withDetail(overlay: RunOverlay | null, execution: Execution): RunOverlay | null {
  if (overlay && overlay.executionId !== execution.id) return overlay;
  return overlayOf(execution);
}
