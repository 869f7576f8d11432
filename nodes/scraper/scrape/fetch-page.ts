import type { Dispatcher, Response } from 'undici';
import { NodeError } from '../../contract.js';
import { readBodyCapped } from '../../lib/capped-body.js';
import { withTimeout } from '../../lib/deadline.js';
import { statusError } from '../../lib/http-status.js';
import { fetchFollowingRedirects, redactUrl } from '../../lib/outbound.js';

export interface FetchOptions {
  signal: AbortSignal;
  allowPrivateNetwork: boolean;
  userAgent: string;
  timeoutMs: number;
  log(message: string): void;
  /** Defaults to the SSRF-guarded outbound dispatcher (tests pass one with their own resolver). */
  dispatcher?: Dispatcher;
}

export interface Page {
  /** Where the page came from, after redirects (the base for its relative links). */
  url: URL;
  status: number;
  html: string;
}

const HTML_TYPES = ['text/html', 'application/xhtml+xml'];

/** Decodes with the charset the answer or the page's <meta> names; unknown or absent: UTF-8. */
function decode(bytes: Buffer, contentType: string): string {
  const declared = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1] ?? /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(bytes.subarray(0, 2048).toString('latin1'))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** GET through the SSRF-guarded outbound fetch (every redirect hop checked), under the per-page timeout. */
function get<T>(url: URL, options: FetchOptions, what: string, read: (response: Response, url: URL) => Promise<T>): Promise<T> {
  return withTimeout(options.signal, options.timeoutMs, what, async (signal) => {
    const headers = { 'user-agent': options.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1' };
    const { response, url: landed } = await fetchFollowingRedirects({ url, method: 'GET', headers, signal, allowPrivateNetwork: options.allowPrivateNetwork, log: options.log, dispatcher: options.dispatcher });
    return read(response, landed);
  });
}

/**
 * Fetches one HTML page. 4xx fail, 429/5xx are retryable (Retry-After honoured); an answer that is not
 * HTML, or larger than `maxBytes` (reading stops there), fails with a message that says so.
 */
export function fetchPage(url: URL, options: FetchOptions, maxBytes: number): Promise<Page> {
  const what = `The page ${redactUrl(url)}`;
  return get(url, options, what, async (response, landed) => {
    const page = `The page ${redactUrl(landed)}`;
    if (response.status >= 400) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response.status, `${page} answered ${response.status}.`, response.headers.get('retry-after'));
    }
    const contentType = response.headers.get('content-type') ?? '';
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
    if (mediaType && !HTML_TYPES.includes(mediaType)) {
      await response.body?.cancel().catch(() => undefined);
      throw new NodeError(`${page} answered with ${mediaType}, not HTML; the scraper reads HTML pages (use http.request for APIs and files).`, 'not_html');
    }
    const bytes = await readBodyCapped(response, { maxBytes, what: page });
    // No Content-Type at all: accept what looks like markup.
    if (!mediaType && !/^\s*</.test(bytes.subarray(0, 512).toString('latin1'))) {
      throw new NodeError(`${page} answered without a Content-Type and does not look like HTML; the scraper reads HTML pages.`, 'not_html');
    }
    return { url: landed, status: response.status, html: decode(bytes, contentType) };
  });
}

/** RFC 9309 asks crawlers to read at least 500 KiB of robots.txt. */
export const MAX_ROBOTS_BYTES = 512 * 1024;

export type RobotsAnswer = { kind: 'rules'; text: string } | { kind: 'none'; status: number } | { kind: 'unreachable'; status: number };

/** The origin's /robots.txt: its rules, none (4xx: everything allowed) or unreachable (5xx: RFC 9309 says assume everything disallowed). */
export function fetchRobots(origin: string, options: FetchOptions): Promise<RobotsAnswer> {
  const url = new URL('/robots.txt', origin);
  return get(url, options, `${redactUrl(url)}`, async (response, landed) => {
    if (response.status >= 400) {
      await response.body?.cancel().catch(() => undefined);
      return response.status >= 500 || response.status === 429 ? { kind: 'unreachable', status: response.status } : { kind: 'none', status: response.status };
    }
    const text = (await readBodyCapped(response, { maxBytes: MAX_ROBOTS_BYTES, what: `${redactUrl(landed)}` })).toString('utf8');
    return { kind: 'rules', text };
  });
}
