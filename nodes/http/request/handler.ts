import { defineNode, NodeError, RetryableError } from '../../contract.js';
import { assertPublicUrl } from '../../lib/ssrf.js';
import { configSchema, type Config } from './schema.js';

const MAX_REDIRECTS = 5;

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export default defineNode<Config>({
  type: 'http.request',
  category: 'HTTP',
  title: 'HTTP request',
  description: 'Calls any HTTP endpoint. Emits {status, headers, body}. 429 and 5xx answers and network errors are retryable; other 4xx fail (or go to the error port).',
  configSchema,
  outputs: ['main', 'error'],
  async run({ config, signal, allowPrivateNetwork, log }) {
    let url = new URL(config.url);
    for (const [k, v] of Object.entries(config.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...config.headers };
    let body: string | undefined;
    if (config.body !== undefined && config.method !== 'GET' && config.method !== 'HEAD') {
      body = typeof config.body === 'string' ? config.body : JSON.stringify(config.body);
      if (typeof config.body !== 'string') headers['content-type'] ??= 'application/json';
    }
    let response: Response;
    for (let hop = 0; ; hop++) {
      await assertPublicUrl(url, allowPrivateNetwork);
      try {
        response = await fetch(url, { method: config.method ?? 'GET', headers, body, signal, redirect: 'manual' });
      } catch (err) {
        if (signal.aborted) throw err;
        throw new RetryableError(`Could not reach ${url.host}: ${(err as Error).message}`, 'network_error');
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) break;
      if (hop >= MAX_REDIRECTS) throw new NodeError(`More than ${MAX_REDIRECTS} redirects.`, 'too_many_redirects');
      url = new URL(location, url);
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (config.responseType === 'json' || (config.responseType !== 'text' && type.includes('json'))) {
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        if (config.responseType === 'json') throw new NodeError('The answer is not valid JSON.', 'invalid_response');
      }
    }
    log(`${config.method ?? 'GET'} ${url.origin}${url.pathname} → ${response.status}`);
    if (config.failOnStatus !== false && response.status >= 400) {
      const message = `${url.host} answered ${response.status}: ${text.slice(0, 300)}`;
      if (response.status === 429 || response.status >= 500) throw new RetryableError(message, `http_${response.status}`, retryAfterMs(response.headers.get('retry-after')));
      throw new NodeError(message, `http_${response.status}`);
    }
    return { main: { status: response.status, headers: Object.fromEntries(response.headers), body: parsed } };
  },
});
