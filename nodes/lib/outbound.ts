import { fetch, Headers, type Dispatcher, type FormData, type Response } from 'undici';
import { isNodeError, NodeError, RetryableError } from '../contract.js';
import { outboundDispatcher } from './ssrf.js';

export const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** The only headers a user set that follow a redirect to another origin (as browsers and curl do). */
const CROSS_ORIGIN_SAFE = new Set(['accept', 'accept-language', 'user-agent']);
/** Headers that describe the body, dropped with it. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** A URL as errors and logs may show it: no user name or password, no query (it often holds keys). */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return redactText(String(url));
  }
  const userinfo = parsed.username || parsed.password ? '***@' : '';
  return `${parsed.protocol}//${userinfo}${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/** Masks the userinfo of every URL inside a message (e.g. an error from the HTTP stack that quotes one). */
export function redactText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/gi, '$1***@');
}

/** The checks every URL passes before a request goes out, the first one and every redirect's. */
export function assertCallableUrl(url: URL): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NodeError(`Only http and https URLs can be called, not ${url.protocol} (${redactUrl(url)}).`, 'invalid_url');
  }
  if (url.username || url.password) {
    throw new NodeError(
      `The URL ${redactUrl(url)} contains a user name or password; credentials are not sent from URLs. ` +
        'Put them in a header instead (e.g. Authorization: Basic … or Bearer …, or the API key header the service expects).',
      'url_credentials',
    );
  }
}

/** Lower-cases header names and refuses names or values that cannot be sent, naming the header (never its value). */
export function checkedHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    try {
      new Headers([[name, value]]);
    } catch {
      throw new NodeError(`The header "${name.slice(0, 100)}" cannot be sent: its name or value holds characters a header may not contain (such as line breaks).`, 'invalid_header');
    }
    out[name.toLowerCase()] = value;
  }
  return out;
}

/** Bodies that can be sent again as they are, as a 307/308 redirect asks. */
export type OutboundBody = string | Uint8Array | URLSearchParams | FormData;

export interface OutboundRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: OutboundBody;
  signal: AbortSignal;
  allowPrivateNetwork: boolean;
  log?(message: string): void;
  /** Defaults to the SSRF-guarded dispatcher (or an open one when private networks are allowed). */
  dispatcher?: Dispatcher;
}

export interface OutboundResponse {
  response: Response;
  /** Where the answer came from, after redirects. */
  url: URL;
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e && chain.length < 5; e = (e as Error).cause) chain.push(e);
  return chain;
}

async function send(request: OutboundRequest, url: URL, method: string, headers: Record<string, string>, body: OutboundBody | undefined): Promise<Response> {
  const dispatcher = request.dispatcher ?? outboundDispatcher(request.allowPrivateNetwork);
  try {
    return await fetch(url, { method, headers, body, signal: request.signal, redirect: 'manual', dispatcher });
  } catch (err) {
    if (request.signal.aborted) throw err;
    const refusal = causeChain(err).find(isNodeError);
    if (refusal) throw refusal;
    const cause = (err as Error).cause as (Error & { code?: string }) | undefined;
    // fetch() reports every network failure as "fetch failed" with the reason as its cause; anything
    // else (or undici refusing an argument, such as a Transfer-Encoding or Upgrade header) is a request
    // it would not send, which another try will not fix.
    if (!cause || cause.code === 'UND_ERR_INVALID_ARG' || cause.code === 'UND_ERR_NOT_SUPPORTED') {
      throw new NodeError(`The request to ${redactUrl(url)} could not be sent: ${redactText((cause ?? (err as Error)).message)}.`, 'invalid_request');
    }
    const reason = cause instanceof AggregateError && cause.errors.length ? cause.errors.map((e: Error) => e.message).join('; ') : cause.message;
    throw new RetryableError(`Could not reach ${url.host}: ${redactText(reason || String(cause))}`, 'network_error');
  }
}

/** http → https on the same host and default ports: the body goes where it was already going. */
const isUpgrade = (from: URL, to: URL) => from.protocol === 'http:' && to.protocol === 'https:' && from.hostname === to.hostname && !from.port && !to.port;

/**
 * Sends a request and follows redirects by hand, so that each hop is checked like the first: at most
 * MAX_REDIRECTS hops; 303 (and 301/302 after a POST) turn into a GET without body (HEAD stays HEAD);
 * 307/308 keep method and body; on a change of origin (scheme, host or port) every header the user set
 * is dropped except Accept, Accept-Language, User-Agent and the body's Content-Type, and a body is only
 * resent to another origin when the redirect merely upgrades the same host to https.
 */
export async function fetchFollowingRedirects(request: OutboundRequest): Promise<OutboundResponse> {
  let { url, method, body } = request;
  const headers = { ...request.headers };
  assertCallableUrl(url);
  for (let hop = 0; ; hop++) {
    const response = await send(request, url, method, headers, body);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { response, url };
    await response.body?.cancel().catch(() => undefined);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new NodeError(`${url.host} answered ${response.status} with a Location that is not a valid URL.`, 'invalid_redirect');
    }
    if (hop >= MAX_REDIRECTS) throw new NodeError(`Gave up after ${MAX_REDIRECTS} redirects; the last one pointed to ${redactUrl(next)}.`, 'too_many_redirects');
    assertCallableUrl(next);
    if ((response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      for (const name of BODY_HEADERS) delete headers[name];
    }
    if (next.origin !== url.origin) {
      if (body !== undefined && !isUpgrade(url, next)) {
        throw new NodeError(
          `${url.host} answered ${response.status}, redirecting the ${method} and its body to another origin (${redactUrl(next)}); ` +
            'the body is not sent to a different server. Call that URL directly if it is meant to receive it.',
          'cross_origin_redirect',
        );
      }
    }
    request.log?.(`${url.origin}${url.pathname} → ${response.status}, following to ${redactUrl(next)} (${method})`);
    if (next.origin !== url.origin) {
      const dropped = Object.keys(headers).filter((name) => !CROSS_ORIGIN_SAFE.has(name) && !(name === 'content-type' && body !== undefined));
      for (const name of dropped) delete headers[name];
      if (dropped.length) request.log?.(`another origin: not sending the headers ${dropped.join(', ')}`);
    }
    url = next;
  }
}
