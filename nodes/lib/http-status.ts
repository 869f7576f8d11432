import { NodeError, RetryableError } from '../contract.js';

/** A Retry-After longer than this is cut to it: the step sleeps in a process, not in the database. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After in seconds or as an HTTP date, in milliseconds from now (undefined when absent or unreadable). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  // Every HTTP-date form starts with the day's name; Date.parse alone would read "-5" or "1.5" as years.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/**
 * The error for a failed status: 429 and 5xx are retryable, honouring Retry-After (the node's retry
 * config decides how many tries), everything else is final. `code` is `http_<status>`.
 */
export function statusError(status: number, message: string, retryAfter: string | null): NodeError | RetryableError {
  if (status === 429 || status >= 500) return new RetryableError(message, `http_${status}`, retryAfterMs(retryAfter));
  return new NodeError(message, `http_${status}`);
}
