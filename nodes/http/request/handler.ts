import type { Response } from 'undici';
import { defineNode, NodeError, RetryableError } from '../../contract.js';
import { checkedHeaders, fetchFollowingRedirects, redactUrl } from '../../lib/outbound.js';
import { configSchema, type Config } from './schema.js';

/** Answers larger than this are refused rather than held in memory (a step's output is capped far lower anyway). */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function requestUrl(config: Config): URL {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new NodeError(`The URL ${redactUrl(config.url)} is not a valid absolute URL.`, 'invalid_url');
  }
  for (const [k, v] of Object.entries(config.query ?? {})) url.searchParams.set(k, String(v));
  return url;
}

async function readText(response: Response, url: URL): Promise<string> {
  const tooLarge = () => new NodeError(`The answer from ${url.host} is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB.`, 'response_too_large');
  if (!response.body) return '';
  if (Number(response.headers.get('content-length')) > MAX_RESPONSE_BYTES) {
    await response.body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if ((err as Error).name === 'NodeError' || (err as Error).name === 'AbortError') throw err;
    throw new RetryableError(`The answer from ${url.host} broke off: ${(err as Error).message}`, 'network_error');
  }
  return Buffer.concat(chunks).toString('utf8');
}

export default defineNode<Config>({
  type: 'http.request',
  category: 'HTTP',
  title: 'HTTP request',
  description:
    'Calls any HTTP endpoint. Emits {status, headers, body}. 429 and 5xx answers and network errors are retryable; other 4xx fail (or go to the error port). ' +
    'Follows up to 10 redirects (303, and 301/302 after a POST, continue as a GET without body); on a redirect to another origin it drops every header you set except Accept, Accept-Language and User-Agent, and refuses to resend a body there (unless it only upgrades the same host to https). ' +
    'Credentials go in headers, not in the URL. Loopback, private, reserved and metadata addresses are refused unless ALLOW_PRIVATE_NETWORK=true.',
  configSchema,
  outputs: ['main', 'error'],
  async run({ config, signal, allowPrivateNetwork, log }) {
    const method = config.method ?? 'GET';
    const headers = checkedHeaders(config.headers);
    let body: string | undefined;
    if (config.body !== undefined && method !== 'GET' && method !== 'HEAD') {
      body = typeof config.body === 'string' ? config.body : JSON.stringify(config.body);
      if (typeof config.body !== 'string') headers['content-type'] ??= 'application/json';
    }
    const { response, url } = await fetchFollowingRedirects({ url: requestUrl(config), method, headers, body, signal, allowPrivateNetwork, log });
    const text = await readText(response, url);
    const type = response.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (config.responseType === 'json' || (config.responseType !== 'text' && type.includes('json'))) {
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        if (config.responseType === 'json') throw new NodeError('The answer is not valid JSON.', 'invalid_response');
      }
    }
    log(`${method} ${url.origin}${url.pathname} → ${response.status}`);
    if (config.failOnStatus !== false && response.status >= 400) {
      const message = `${url.host} answered ${response.status}: ${text.slice(0, 300)}`;
      if (response.status === 429 || response.status >= 500) throw new RetryableError(message, `http_${response.status}`, retryAfterMs(response.headers.get('retry-after')));
      throw new NodeError(message, `http_${response.status}`);
    }
    return { main: { status: response.status, headers: Object.fromEntries(response.headers), body: parsed } };
  },
});
