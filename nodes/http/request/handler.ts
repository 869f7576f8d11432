import { defineNode, NodeError } from '../../contract.js';
import { isUnder, resolveUnder } from '../../../schemas/integrations/http-auth.js';
import type { HttpAuthorization } from '../../../schemas/integrations/template.js';
import { checkedHeaders, redactUrl, type OutboundBody } from '../../lib/outbound.js';
import { requestBody } from './body.js';
import { exchange } from './exchange.js';
import { paginate } from './pagination.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The integration's credentials on a request URL: its query key added, and refused for a URL outside its
 * base URL, so a flow cannot send an agency's credentials to another host.
 */
function authorizedUrl(url: URL, auth: HttpAuthorization): URL {
  if (auth.baseUrl && !isUnder(url, auth.baseUrl)) {
    throw new NodeError(`The URL ${redactUrl(url)} is not under the integration's base URL ${redactUrl(auth.baseUrl)}: its credentials are only sent there.`, 'outside_integration');
  }
  const authorized = new URL(url);
  for (const [name, value] of Object.entries(auth.query)) authorized.searchParams.set(name, value);
  return authorized;
}

function requestUrl(config: Config, baseUrl: string | undefined): URL {
  let url: URL;
  try {
    url = baseUrl && config.url.startsWith('/') ? resolveUnder(baseUrl, config.url) : new URL(config.url);
  } catch {
    const hint = config.url.startsWith('/') ? ' A path needs an integration with a base URL.' : '';
    throw new NodeError(`The URL ${redactUrl(config.url)} is not a valid absolute URL.${hint}`, 'invalid_url');
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
  integration: 'http',
  integrationOptional: true,
  // Custom templates that say how a request authenticates work here too.
  acceptsIntegration: (template) => template.authenticatesHttp,
  async run({ config, signal, allowPrivateNetwork, log, integration }) {
    const method = config.method ?? 'GET';
    const auth = integration?.http;
    const headers = { ...checkedHeaders(config.headers), ...(auth ? checkedHeaders(auth.headers) : {}) };
    let body: OutboundBody | undefined;
    if (config.body !== undefined && method !== 'GET' && method !== 'HEAD') body = requestBody(config.bodyType, config.body, headers, log);
    const url = requestUrl(config, auth?.baseUrl);
    if (auth) authorizedUrl(url, auth);
    const send = (target: URL) =>
      exchange({
        url: auth ? authorizedUrl(target, auth) : target,
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
