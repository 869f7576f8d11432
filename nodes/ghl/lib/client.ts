import { IntegrationAuthError, RetryableError } from '../../contract.js';
import { readBodyCapped } from '../../lib/capped-body.js';
import { fetchFollowingRedirects } from '../../lib/outbound.js';
import { ghlError, ghlRetryAfterMs, type HeaderReader } from './errors.js';
import { ghlRateLimiter, type GhlRateLimiter } from './rate-limit.js';
import { ghlTokenSource, type GhlConnection, type GhlTokenSource } from './token-source.js';
import { ghlBaseUrl, versionFor } from './versions.js';

export type GhlMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface GhlRequest {
  method: GhlMethod;
  /** Path under the API base, e.g. `/contacts/upsert`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** What the call does, for error messages ("the contact upsert"); defaults to method and path. */
  what?: string;
}

export interface GhlClientOptions {
  tokens: GhlTokenSource;
  locationId: string;
  baseUrl?: string;
  signal: AbortSignal;
  allowPrivateNetwork: boolean;
  /** One line per call into the step's logs: method, path, status, time (never tokens or query values). */
  log?(message: string): void;
  limiter?: GhlRateLimiter;
}

/** GoHighLevel answers are small JSON documents; anything past this is not one. */
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;

/** The one GoHighLevel API v2 client every `ghl.*` node and the template use. */
export class GhlClient {
  readonly locationId: string;
  readonly base: string;
  private readonly limiter: GhlRateLimiter;

  constructor(private readonly options: GhlClientOptions) {
    this.locationId = options.locationId;
    this.base = ghlBaseUrl(options.baseUrl);
    this.limiter = options.limiter ?? ghlRateLimiter();
  }

  /** Sends one call; on a 401 asks the token source for a fresh token once and sends it again. */
  async request<T>(request: GhlRequest): Promise<T> {
    const what = request.what ?? `${request.method} ${request.path}`;
    let token = await this.options.tokens.accessToken();
    let answer = await this.send(request, token);
    if (answer.status === 401 && this.options.tokens.refresh) {
      const fresh = await this.options.tokens.refresh(token);
      if (fresh && fresh !== token) {
        token = fresh;
        answer = await this.send(request, token);
      }
    }
    if (answer.status >= 200 && answer.status < 300) return parseAnswer<T>(answer.text, what);
    if (answer.status === 429) await this.limiter.pause(this.locationId, ghlRetryAfterMs(answer.headers) ?? this.limiter.limitsOf(this.locationId).intervalMs);
    throw ghlError(answer.status, answer.text, answer.headers, what);
  }

  private async send(request: GhlRequest, token: string): Promise<{ status: number; text: string; headers: HeaderReader }> {
    const url = new URL(this.base + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, version: versionFor(request.path), accept: 'application/json' };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    await this.limiter.take(this.locationId, this.options.signal);
    const started = Date.now();
    const { response } = await fetchFollowingRedirects({ url, method: request.method, headers, body, signal: this.options.signal, allowPrivateNetwork: this.options.allowPrivateNetwork });
    const text = (await readBodyCapped(response, { maxBytes: MAX_ANSWER_BYTES, what: `The answer from ${url.host}` })).toString('utf8');
    this.options.log?.(`GoHighLevel ${request.method} ${url.pathname}${url.search ? '?…' : ''} → ${response.status} (${Date.now() - started} ms)`);
    await this.limiter.observe(this.locationId, response.headers);
    return { status: response.status, text, headers: response.headers };
  }
}

function parseAnswer<T>(text: string, what: string): T {
  if (!text) return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RetryableError(`GoHighLevel answered ${what} with something that is not JSON.`, 'ghl_invalid_answer');
  }
}

/** The location a config names; a clear error when it names none. */
export function locationOf(credentials: Record<string, unknown>): string {
  const location = credentials.locationId;
  if (typeof location !== 'string' || !location) {
    throw new IntegrationAuthError('This GoHighLevel integration has no location id: set the sub-account\'s Location ID (Settings → Business Profile in GoHighLevel).');
  }
  return location;
}

/** A client for a connection: its token source, location and base URL. */
export function ghlClient(connection: GhlConnection, log?: (message: string) => void): GhlClient {
  return new GhlClient({
    tokens: ghlTokenSource(connection),
    locationId: locationOf(connection.credentials),
    baseUrl: typeof connection.credentials.apiUrl === 'string' ? connection.credentials.apiUrl : undefined,
    signal: connection.signal,
    allowPrivateNetwork: connection.allowPrivateNetwork,
    log,
  });
}
