import { api } from '../api/client';
import type { ExecutionSummary } from '../api/types';
import { navigate } from './router';

/** The flow open on the canvas, which opens its own executions in place (its URL does not change screens). */
export interface OpenHere {
  flowId: string;
  open(executionId: string): void;
}

/** Shows an execution on its flow's canvas: in place when that flow is the one open, else by opening it. */
export function goToExecution(sid: string, target: { id: string; flowId: string }, here?: OpenHere): void {
  if (here && target.flowId === here.flowId) here.open(target.id);
  else navigate({ screen: 'flow', sid, fid: target.flowId, executionId: target.id });
}

/** The same for an execution known only by its id (a child's parent): its flow is asked for first. */
export async function openExecution(sid: string, id: string, here?: OpenHere): Promise<void> {
  const execution = await api<ExecutionSummary>('GET', `/api/subaccounts/${sid}/executions/${encodeURIComponent(id)}`);
  goToExecution(sid, execution, here);
}
