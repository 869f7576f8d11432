import { childrenOf } from '../runtime/child-flows.js';
import { isPinned } from '../runtime/pins.js';
import type { Models } from '../db/models/index.js';
import type { ApprovalRow, ExecutionRow, StepRow } from '../db/models/runtime.js';
import { iso } from './present.js';

/** A step's `output`: the value of the one port that fired, or every fired port keyed by name. */
function stepOutput(outputs: Record<string, unknown> | null): unknown {
  if (!outputs) return null;
  if ('$truncated' in outputs) return null;
  const ports = Object.keys(outputs);
  return ports.length === 1 ? outputs[ports[0]] : outputs;
}

export function presentStep(step: StepRow) {
  const truncated = step.outputs && '$truncated' in step.outputs ? step.outputs.$truncated : null;
  return {
    nodeId: step.nodeId,
    status: step.status,
    attempt: step.attempt,
    output: stepOutput(step.outputs),
    ports: step.outputs && !truncated ? Object.keys(step.outputs) : truncated ? (truncated as { ports: string[] }).ports : [],
    ...(truncated ? { outputTruncated: truncated } : {}),
    error: step.error,
    ...(step.status === 'succeeded' && isPinned(step) ? { pinned: true } : {}),
    logs: step.logs ?? [],
    startedAt: iso(step.startedAt),
    finishedAt: iso(step.finishedAt),
  };
}

export function presentExecutionSummary(e: ExecutionRow) {
  return {
    id: e.id,
    flowId: e.flowId,
    flowVersion: e.flowVersion,
    status: e.status,
    mode: e.mode ?? 'production',
    trigger: e.trigger,
    retryOf: e.retryOf,
    parentExecutionId: e.parentExecutionId ?? null,
    startedAt: iso(e.startedAt),
    finishedAt: iso(e.finishedAt),
    createdAt: iso(e.createdAt),
    error: e.error,
  };
}

export async function presentExecution(models: Models, e: ExecutionRow) {
  const [steps, children] = await Promise.all([
    models.Step.findAll({ where: { executionId: e.id }, order: [['startedAt', 'ASC'], ['id', 'ASC']] }),
    childrenOf(models, e.id),
  ]);
  return {
    ...presentExecutionSummary(e),
    input: e.input,
    steps: steps.map(presentStep),
    children: children.map((c) => ({ id: c.id, flowId: c.flowId, status: c.status, createdAt: iso(c.createdAt) })),
  };
}

export const presentApproval = (a: ApprovalRow) => ({
  id: a.id,
  flowId: a.flowId,
  executionId: a.executionId,
  nodeId: a.nodeId,
  title: a.title,
  description: a.description,
  status: a.status,
  decidedBy: a.decidedBy,
  comment: a.comment,
  decidedAt: iso(a.decidedAt),
  createdAt: iso(a.createdAt),
});
