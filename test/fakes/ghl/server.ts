import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contactRoutes } from './contacts.js';
import { locationRoutes } from './location.js';
import { handleOAuth } from './oauth.js';
import { opportunityRoutes } from './opportunities.js';
import { FakeHttpError, unprocessable, type FakeRoute } from './routing.js';
import { FakeGhlState, type FakeLocation } from './state.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
}

interface ScriptedFailure {
  match: string | RegExp;
  status: number;
  times: number;
  headers: Record<string, string>;
  body?: unknown;
}

const routes: FakeRoute[] = [...contactRoutes, ...opportunityRoutes, ...locationRoutes];

const ERROR_NAMES: Record<number, string> = { 401: 'Unauthorized', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/**
 * GoHighLevel API v2 as a real HTTP server: bearer tokens and `Version` headers checked, the rate-limit
 * headers sent (and enforced), unknown body fields refused with 422, every request recorded. Tests script
 * failures with `failNext`. `/oauth/…` goes to `oauth.ts`.
 */
export class FakeGhl {
  readonly state = new FakeGhlState();
  readonly requests: RecordedRequest[] = [];
  /** GoHighLevel's default budget: 100 calls per 10 s per location. */
  limits = { max: 100, intervalMs: 10_000, daily: 200_000 };
  url = '';
  private readonly failures: ScriptedFailure[] = [];
  private readonly windows = new Map<string, { start: number; used: number; day: number }>();
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  /** A fake with one location and a Private Integration Token for it. */
  static async start(options: { locationId?: string; token?: string } = {}): Promise<FakeGhl> {
    const fake = new FakeGhl();
    fake.state.addLocation(options.locationId ?? 'loc_demo_1');
    fake.state.addToken(options.token ?? 'pit-demo-token-1234', options.locationId ?? 'loc_demo_1');
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  location(id = 'loc_demo_1'): FakeLocation {
    return this.state.locations.get(id)!;
  }

  /** The next `times` requests whose path (or `METHOD /path`) matches answer `status`: 429, 500, 401… */
  failNext(match: string | RegExp, status: number, times = 1, options: { headers?: Record<string, string>; body?: unknown } = {}): void {
    this.failures.push({ match, status, times, headers: options.headers ?? {}, body: options.body });
  }

  /** The token stops working, as when a Private Integration Token is deleted or an app uninstalled. */
  revoke(token: string): void {
    this.state.tokens.delete(token);
  }

  /** Recorded calls to one path (or `METHOD /path`). */
  calls(match: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => matches(match, r.method, r.path));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // form-encoded (OAuth) or broken JSON: kept as text
    }
    this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { ...req.headers }, body });
    if (url.pathname.startsWith('/oauth/')) return handleOAuth(req, res, raw, this.state);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    try {
      const scripted = this.takeFailure(method, url.pathname);
      if (scripted) return reply(scripted.status, scripted.body ?? { statusCode: scripted.status, message: ERROR_NAMES[scripted.status] ?? 'Error' }, scripted.headers);
      const token = this.state.tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
      if (!token) return reply(401, { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' });
      const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
      if (!route) return reply(404, { statusCode: 404, message: `Cannot ${method} ${url.pathname}`, error: 'Not Found' });
      if (req.headers.version !== route.version) {
        return reply(400, { statusCode: 400, message: `Version header must be ${route.version}`, error: 'Bad Request' });
      }
      const limit = this.rateHeaders(token.locationId ?? token.companyId ?? 'none');
      if (limit.exceeded) return reply(429, { statusCode: 429, message: 'Too Many Requests' }, limit.headers);
      const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      checkFields(route, fields);
      const answer = route.handle({ method, params: route.pattern.exec(url.pathname)!.slice(1), query: url.searchParams, body: fields, state: this.state, token });
      reply(answer.status, answer.body, limit.headers);
    } catch (err) {
      if (err instanceof FakeHttpError) return reply(err.status, err.body);
      reply(500, { statusCode: 500, message: (err as Error).message });
    }
  }

  private takeFailure(method: string, path: string): ScriptedFailure | undefined {
    const failure = this.failures.find((f) => f.times > 0 && matches(f.match, method, path));
    if (failure) failure.times--;
    return failure;
  }

  /** Counts the call against the location's window and says what GoHighLevel's headers would. */
  private rateHeaders(key: string): { exceeded: boolean; headers: Record<string, string> } {
    const nowMs = Date.now();
    let window = this.windows.get(key);
    if (!window || nowMs - window.start >= this.limits.intervalMs) window = { start: nowMs, used: 0, day: window?.day ?? 0 };
    this.windows.set(key, window);
    const exceeded = window.used >= this.limits.max;
    if (!exceeded) {
      window.used++;
      window.day++;
    }
    return {
      exceeded,
      headers: {
        'x-ratelimit-max': String(this.limits.max),
        'x-ratelimit-remaining': String(this.limits.max - window.used),
        'x-ratelimit-interval-milliseconds': String(this.limits.intervalMs),
        'x-ratelimit-limit-daily': String(this.limits.daily),
        'x-ratelimit-daily-remaining': String(this.limits.daily - window.day),
      },
    };
  }
}

function matches(match: string | RegExp, method: string, path: string): boolean {
  if (match instanceof RegExp) return match.test(path) || match.test(`${method} ${path}`);
  return match === path || match === `${method} ${path}`;
}

/** GoHighLevel's validation: unknown properties and missing required ones are a 422 with a list of messages. */
function checkFields(route: FakeRoute, body: Record<string, unknown>): void {
  const messages: string[] = [];
  if (route.fields) for (const key of Object.keys(body)) if (!route.fields.includes(key)) messages.push(`property ${key} should not exist`);
  for (const key of route.required ?? []) if (body[key] === undefined || body[key] === '') messages.push(`${key} should not be empty`);
  if (messages.length) throw unprocessable(messages);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
