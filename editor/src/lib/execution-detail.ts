import type { ChildExecution, ExecutionSummary, Step } from '../api/types.js';
import { ago } from './flows-list.js';
import { formatDuration } from './timeline.js';

// What the executions screen says about one execution: how its steps went, how long it ran, and the
// runs it is linked to through flow.call (the parent that started it, the sub-flow runs it started).

/** "4 steps: 3 succeeded, 1 skipped", in the order a run goes through its statuses. */
export function stepSummary(steps: ReadonlyArray<Pick<Step, 'status'>>): string {
  if (!steps.length) return 'no steps yet';
  const order = ['succeeded', 'failed', 'running', 'waiting', 'skipped'];
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const parts = [...counts.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([status, n]) => `${n} ${status}`);
  return `${steps.length} step${steps.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

const STARTED_BY: Record<string, string> = {
  manual: 'by hand (Run)',
  webhook: 'by a webhook request',
  schedule: 'on its schedule',
  ghl: 'by a GoHighLevel event',
  call: 'by a flow.call of another flow',
  error: 'as the error flow of a failed execution',
};

/** How an execution was started, from its trigger's type ("by a webhook request"). */
export const startedBy = (type: string | undefined): string => (type ? (STARTED_BY[type] ?? `by its ${type} trigger`) : 'by an unknown trigger');

/** "took 1.2 s", "running for 3 s", "not started yet". */
export function runTime(execution: Pick<ExecutionSummary, 'startedAt' | 'finishedAt'>, now = Date.now()): string {
  if (!execution.startedAt) return 'not started yet';
  const start = Date.parse(execution.startedAt);
  if (execution.finishedAt) return `took ${formatDuration(Date.parse(execution.finishedAt) - start)}`;
  return `running for ${formatDuration(Math.max(0, now - start))}`;
}

/** A linked run as the screen lists it: its flow by name, its status and when it was created. */
export interface LinkedRun {
  id: string;
  flowId: string;
  flowName: string;
  status: string;
  when: string;
  /** What a screen reader hears for the link: "Double it, succeeded, 5 s ago". */
  label: string;
}

export function linkedRun(run: Pick<ChildExecution, 'id' | 'flowId' | 'status' | 'createdAt'>, names: ReadonlyMap<string, string>, now = Date.now()): LinkedRun {
  const flowName = names.get(run.flowId) ?? `flow ${run.flowId}`;
  const when = ago(run.createdAt, now);
  return { id: run.id, flowId: run.flowId, flowName, status: run.status, when, label: `${flowName}, ${run.status}, ${when}` };
}

/** The sub-flow runs an execution started, oldest first (the order its flow.call steps ran in). */
export function childRuns(children: ReadonlyArray<ChildExecution> | undefined, names: ReadonlyMap<string, string>, now = Date.now()): LinkedRun[] {
  return [...(children ?? [])].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)).map((c) => linkedRun(c, names, now));
}
