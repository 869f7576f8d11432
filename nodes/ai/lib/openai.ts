import { IntegrationAuthError, NodeError, RetryableError } from '../../contract.js';
import { fetchFollowingRedirects, redactUrl } from '../../lib/outbound.js';
import { readBodyCapped } from '../../lib/capped-body.js';
import { statusError } from '../../lib/http-status.js';

/** The config of an `openai` integration (schemas/integrations/openai.ts). */
export interface OpenAiCredentials {
  baseUrl?: string;
  apiKey: string;
  model: string;
}

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** Chat answers are text; anything this large is a misbehaving server. */
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;

export interface OpenAiCall {
  credentials: OpenAiCredentials;
  method: 'GET' | 'POST';
  /** Under the base URL, e.g. `/chat/completions`. */
  path: string;
  body?: unknown;
  signal: AbortSignal;
  timeoutMs: number;
  allowPrivateNetwork: boolean;
  log?(message: string): void;
}

/** `{baseUrl}{path}`, keeping a base URL's own path (`…/v1`, `…/openai/deployments/x`). */
export function apiUrl(baseUrl: string | undefined, path: string): URL {
  const base = (baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
  try {
    return new URL(base + path);
  } catch {
    throw new NodeError(`The integration's base URL ${redactUrl(base)} is not a valid URL.`, 'invalid_url');
  }
}

/** The service's own explanation from an OpenAI-style error body `{error: {message}}`, or the raw text. */
function serviceMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string' && message) return message.slice(0, 500);
  } catch {
    // not JSON: show the text
  }
  return text.slice(0, 300) || '(no body)';
}

function failure(status: number, text: string, host: string, retryAfter: string | null): Error {
  const said = serviceMessage(text);
  if (status === 401) return new IntegrationAuthError(`${host} refused the API key (401: ${said}). Put a valid key in the integration and test it again.`);
  return statusError(status, `${host} answered ${status}: ${said}`, retryAfter);
}

/**
 * One call to an OpenAI-compatible API through the outbound rules (SSRF guard, redirects checked).
 * A call that runs past `timeoutMs` is retryable; 429 and 5xx are retryable with their Retry-After;
 * 401 means the key is wrong and marks the integration.
 */
export async function callOpenAi<T>(call: OpenAiCall): Promise<T> {
  const url = apiUrl(call.credentials.baseUrl, call.path);
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = AbortSignal.any([call.signal, timeout]);
  const headers: Record<string, string> = { authorization: `Bearer ${call.credentials.apiKey}`, accept: 'application/json' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const { response } = await fetchFollowingRedirects({
      url,
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal,
      allowPrivateNetwork: call.allowPrivateNetwork,
      log: call.log,
    });
    const text = (await readBodyCapped(response, { maxBytes: MAX_ANSWER_BYTES, what: `The answer from ${url.host}` })).toString('utf8');
    if (response.status >= 400) throw failure(response.status, text, url.host, response.headers.get('retry-after'));
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new NodeError(`${url.host} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`, 'invalid_response');
    }
  } catch (err) {
    if (timeout.aborted && !call.signal.aborted) throw new RetryableError(`${url.host} did not answer within ${call.timeoutMs / 1000} s.`, 'timeout');
    throw err;
  }
}
