import { IntegrationAuthError, NodeError, RetryableError } from '../../contract.js';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../lib/http-status.js';

/** Enough of a Headers object to read one header. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** GoHighLevel's error body: `message` is a string, or a list of them for 422 (reference: Errors). */
interface GhlErrorBody {
  message?: unknown;
  error?: unknown;
  meta?: { contactId?: unknown; matchingField?: unknown };
}

function parse(text: string): GhlErrorBody {
  try {
    const body = JSON.parse(text) as unknown;
    return body && typeof body === 'object' ? (body as GhlErrorBody) : {};
  } catch {
    return {};
  }
}

/** The service's own words, or its status text when it sent none. */
export function ghlMessage(text: string, fallback: string): string {
  const { message, error } = parse(text);
  if (Array.isArray(message)) return message.map(String).join('; ').slice(0, 1000);
  if (typeof message === 'string' && message) return message.slice(0, 1000);
  if (typeof error === 'string' && error) return error.slice(0, 1000);
  return text.trim().slice(0, 300) || fallback;
}

/** How long GoHighLevel asks us to wait: `Retry-After` (seconds or a date), else the rate-limit interval; both capped. */
export function ghlRetryAfterMs(headers: HeaderReader): number | undefined {
  const asked = retryAfterMs(headers.get('retry-after'));
  if (asked !== undefined) return asked;
  const interval = Number(headers.get('x-ratelimit-interval-milliseconds'));
  return Number.isFinite(interval) && interval > 0 ? Math.min(interval, MAX_RETRY_AFTER_MS) : undefined;
}

/** The contact GoHighLevel says already exists, from its duplicate-contact 400. */
export function duplicateContactId(text: string): string | undefined {
  const id = parse(text).meta?.contactId;
  return typeof id === 'string' ? id : undefined;
}

export const refusedTokenMessage = (detail: string) =>
  `GoHighLevel refused the token (${detail}): reconnect the integration, or paste a new Private Integration Token with the scopes this node needs.`;

/** Maps a failed answer to the error the engine acts on: retry, fail the step, or mark the integration. */
export function ghlError(status: number, text: string, headers: HeaderReader, what: string): Error {
  const message = ghlMessage(text, `HTTP ${status}`);
  if (status === 401) return new IntegrationAuthError(refusedTokenMessage(message));
  if (status === 429) return new RetryableError(`GoHighLevel's rate limit was reached (${what}); trying again later.`, 'ghl_rate_limited', ghlRetryAfterMs(headers));
  if (status >= 500) return new RetryableError(`GoHighLevel answered ${status} to ${what}: ${message}`, `ghl_${status}`, ghlRetryAfterMs(headers));
  if (status === 422) return new NodeError(`GoHighLevel rejected ${what}: ${message}`, 'ghl_unprocessable');
  if (status === 404) return new NodeError(`GoHighLevel found nothing at ${what} (404): ${message}`, 'ghl_not_found');
  if (status === 403) return new NodeError(`GoHighLevel does not allow ${what} with this integration (403): ${message}`, 'ghl_forbidden');
  const duplicate = status === 400 ? duplicateContactId(text) : undefined;
  if (duplicate) return new NodeError(`GoHighLevel rejected ${what}: ${message} (existing contact ${duplicate})`, 'ghl_duplicate_contact');
  return new NodeError(`GoHighLevel rejected ${what} (${status}): ${message}`, `ghl_${status}`);
}
