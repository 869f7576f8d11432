import type { Headers } from 'undici';
import { NodeError } from '../../contract.js';
import { withTimeout } from '../../lib/deadline.js';
import { statusError } from '../../lib/http-status.js';
import { fetchFollowingRedirects, redactUrl, type OutboundRequest } from '../../lib/outbound.js';
import { readBodyCapped } from '../../lib/capped-body.js';

/** Answers larger than this are refused rather than held in memory (a step's output is capped far lower anyway). */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export type ResponseType = 'auto' | 'json' | 'text' | 'base64';

/** The outbound request (sent through `fetchFollowingRedirects` as it is), and how to take its answer. */
export interface ExchangeRequest extends Omit<OutboundRequest, 'dispatcher' | 'log'> {
  log(message: string): void;
  timeoutMs: number;
  responseType: ResponseType;
  failOnStatus: boolean;
}

export interface Answer {
  /** Where the answer came from, after redirects. */
  url: URL;
  status: number;
  headers: Headers;
  body: unknown;
}

function decode(bytes: Buffer, contentType: string, responseType: ResponseType): unknown {
  if (responseType === 'base64') return bytes.toString('base64');
  const text = bytes.toString('utf8');
  if (responseType === 'text' || (responseType === 'auto' && !contentType.includes('json'))) return text;
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    if (responseType === 'json') throw new NodeError('The answer is not valid JSON.', 'invalid_response');
    return text;
  }
}

/**
 * One call, redirects included (each hop SSRF-checked by the outbound fetch), under its own timeout:
 * the answer read up to MAX_RESPONSE_BYTES and decoded as asked. With `failOnStatus`, 4xx fail and 429/5xx
 * are retryable (honouring Retry-After).
 */
export async function exchange(request: ExchangeRequest): Promise<Answer> {
  const { method, log } = request;
  const what = `${method} ${redactUrl(request.url)}`;
  return withTimeout(request.signal, request.timeoutMs, what, async (signal) => {
    const { response, url } = await fetchFollowingRedirects({ ...request, signal });
    const bytes = await readBodyCapped(response, { maxBytes: MAX_RESPONSE_BYTES, what: `The answer from ${url.host}` });
    log(`${method} ${url.origin}${url.pathname} → ${response.status}`);
    if (request.failOnStatus && response.status >= 400) {
      throw statusError(response.status, `${url.host} answered ${response.status}: ${bytes.subarray(0, 300).toString('utf8')}`, response.headers.get('retry-after'));
    }
    return { url, status: response.status, headers: response.headers, body: decode(bytes, response.headers.get('content-type') ?? '', request.responseType) };
  });
}
