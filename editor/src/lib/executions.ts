import type { ExecutionStatus, ExecutionSummary, Role } from '../api/types.js';
import { canEdit } from './roles.js';

/** The time filter of the executions list: a span back from now, or a custom from–to (either end may be open). */
export type TimeChoice = { kind: 'any' } | { kind: 'last'; span: Span } | { kind: 'custom'; from: string; to: string };
export type Span = 'hour' | 'day' | 'week';

export const SPANS: { span: Span; label: string; ms: number }[] = [
  { span: 'hour', label: 'Last hour', ms: 3600_000 },
  { span: 'day', label: 'Last 24 hours', ms: 86400_000 },
  { span: 'week', label: 'Last 7 days', ms: 7 * 86400_000 },
];

export interface ExecutionFilters {
  flowId: string;
  status: string;
  time: TimeChoice;
}

/** `from` and `to` for the API, or why the choice cannot be asked for. */
export type TimeQuery = { from?: string; to?: string } | { error: string };

const MINUTE_MS = 60_000;

/**
 * A custom end is the minute a person picked in a `datetime-local` field (their own time zone); the API's
 * `to` is included, so the whole of that minute is asked for.
 */
export function timeQuery(time: TimeChoice, now: number): TimeQuery {
  if (time.kind === 'any') return {};
  if (time.kind === 'last') return { from: new Date(now - SPANS.find((s) => s.span === time.span)!.ms).toISOString() };
  const from = time.from ? Date.parse(time.from) : null;
  const to = time.to ? Date.parse(time.to) + MINUTE_MS - 1 : null;
  if (Number.isNaN(from)) return { error: 'The start of the time range is not a date and time.' };
  if (Number.isNaN(to)) return { error: 'The end of the time range is not a date and time.' };
  if (from !== null && to !== null && from > to) return { error: 'The time range ends before it starts: pick an end after the start.' };
  return { ...(from !== null ? { from: new Date(from).toISOString() } : {}), ...(to !== null ? { to: new Date(to).toISOString() } : {}) };
}

/** The list's query string for the filters (taken at `now`), or the message to show instead of asking. */
export function executionsQuery(filters: ExecutionFilters, now: number, limit = 100): { query: string } | { error: string } {
  const time = timeQuery(filters.time, now);
  if ('error' in time) return time;
  const params = new URLSearchParams({ limit: String(limit) });
  if (filters.flowId) params.set('flowId', filters.flowId);
  if (filters.status) params.set('status', filters.status);
  if (time.from) params.set('from', time.from);
  if (time.to) params.set('to', time.to);
  return { query: params.toString() };
}

const CANCELLABLE: ExecutionStatus[] = ['queued', 'running', 'waiting'];
const RETRYABLE: ExecutionStatus[] = ['failed', 'cancelled'];

/** What a person may do to an execution: builders and above retry ended ones and cancel those still going; viewers neither. */
export function executionActions(execution: Pick<ExecutionSummary, 'status'>, role: Role | undefined): { retry: boolean; cancel: boolean } {
  const edits = canEdit(role);
  return { retry: edits && RETRYABLE.includes(execution.status), cancel: edits && CANCELLABLE.includes(execution.status) };
}
