import { defineNode, NodeError } from '../../contract.js';
import { checkedHeaders, redactUrl, type OutboundBody } from '../../lib/outbound.js';
import { requestBody } from './body.js';
import { exchange } from './exchange.js';
import { paginate } from './pagination.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

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

export default defineNode<Config>({
  type: 'http.request',
  category: 'HTTP',
  title: 'HTTP request',
  description:
    'Calls any HTTP endpoint. Emits {status, headers, body} (with pagination: {items, pages, hasMore, status, headers}). Bodies as JSON, form, multipart (files from base64 or text) or raw text; answers as JSON, text or base64. ' +
    '429 and 5xx answers, timeouts and network errors are retryable (Retry-After is honoured as the least wait before the next try); other 4xx fail (or go to the error port). ' +
    'Follows up to 10 redirects (303, and 301/302 after a POST, continue as a GET without body); on a redirect to another origin it drops every header you set except Accept, Accept-Language and User-Agent, and refuses to resend a body there (unless it only upgrades the same host to https). ' +
    'Credentials go in headers, not in the URL. Loopback, private, reserved and metadata addresses are refused, on every redirect too, unless ALLOW_PRIVATE_NETWORK=true.',
  configSchema,
  outputs: ['main', 'error'],
  async run({ config, signal, allowPrivateNetwork, log }) {
    const method = config.method ?? 'GET';
    const headers = checkedHeaders(config.headers);
    let body: OutboundBody | undefined;
    if (config.body !== undefined && method !== 'GET' && method !== 'HEAD') body = requestBody(config.bodyType, config.body, headers, log);
    const url = requestUrl(config);
    const send = (target: URL) =>
      exchange({
        url: target,
        method,
        headers,
        body,
        signal,
        allowPrivateNetwork,
        log,
        timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        responseType: config.responseType ?? 'auto',
        failOnStatus: config.failOnStatus !== false,
      });
    if (config.pagination) return { main: await paginate(config.pagination, url, send, log) };
    const answer = await send(url);
    return { main: { status: answer.status, headers: Object.fromEntries(answer.headers), body: answer.body } };
  },
});
