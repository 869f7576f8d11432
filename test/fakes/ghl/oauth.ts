import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeGhlState } from './state.js';

/** Who approves at the fake consent page: a location (sub-account) install or an agency (Company) one. */
export interface FakeConsent {
  userType: 'Location' | 'Company';
  locationId?: string;
  companyId?: string;
}

/** One call to `/oauth/token` or `/oauth/locationToken`, as the fake saw it. */
export interface FakeGrant {
  path: string;
  grantType: string | null;
  refreshToken: string | null;
  status: number;
}

interface IssuedRefresh extends FakeConsent {
  used: boolean;
}

/** The fake's marketplace app: its credentials, codes and refresh tokens, and every token call made. */
export class FakeOAuthApp {
  clientId = 'fake-ghl-client-id';
  clientSecret = 'fake-ghl-client-secret';
  /** GoHighLevel's access tokens last a day (86399 s). */
  accessTtlSeconds = 86_399;
  /** How long `/oauth/token` takes to answer (a slow GoHighLevel keeps racing refreshes overlapping). */
  tokenDelayMs = 0;
  /** What the consent page approves. */
  consent: FakeConsent = { userType: 'Location', locationId: 'loc_demo_1' };
  readonly grants: FakeGrant[] = [];
  readonly codes = new Map<string, FakeConsent & { redirectUri: string }>();
  readonly refreshTokens = new Map<string, IssuedRefresh>();

  /** Refreshes that reached the fake (answered or refused). */
  refreshes(): FakeGrant[] {
    return this.grants.filter((g) => g.grantType === 'refresh_token');
  }
}

const apps = new WeakMap<FakeGhlState, FakeOAuthApp>();

/** The OAuth side of a fake's state (made on first use). */
export function fakeOAuth(state: FakeGhlState): FakeOAuthApp {
  let app = apps.get(state);
  if (!app) {
    app = new FakeOAuthApp();
    apps.set(state, app);
  }
  return app;
}

const token = (prefix: string) => `${prefix}-${randomBytes(18).toString('base64url')}`;

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** OAuth errors in RFC 6749's shape, as GoHighLevel's token endpoint answers them. */
const oauthError = (res: ServerResponse, status: number, error: string, description: string) => reply(res, status, { error, error_description: description });

/** The consent page: approves at once for `consent` and sends the browser back with a code. */
function chooseLocation(url: URL, res: ServerResponse, app: FakeOAuthApp): void {
  const redirectUri = url.searchParams.get('redirect_uri');
  const state = url.searchParams.get('state');
  if (url.searchParams.get('client_id') !== app.clientId || url.searchParams.get('response_type') !== 'code' || !redirectUri || !url.searchParams.get('scope')) {
    return reply(res, 400, { statusCode: 400, message: 'client_id, response_type=code, redirect_uri and scope are required' });
  }
  const code = token('code');
  app.codes.set(code, { ...app.consent, redirectUri });
  const back = new URL(redirectUri);
  back.searchParams.set('code', code);
  if (state !== null) back.searchParams.set('state', state);
  res.writeHead(302, { location: back.toString() });
  res.end();
}

function issue(state: FakeGhlState, app: FakeOAuthApp, grant: FakeConsent): Record<string, unknown> {
  const access = token('at');
  const refresh = token('rt');
  state.tokens.set(access, grant.userType === 'Company' ? { companyId: grant.companyId } : { locationId: grant.locationId, companyId: grant.companyId });
  app.refreshTokens.set(refresh, { ...grant, used: false });
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: app.accessTtlSeconds,
    refresh_token: refresh,
    scope: 'contacts.readonly contacts.write opportunities.readonly opportunities.write',
    userType: grant.userType,
    ...(grant.companyId ? { companyId: grant.companyId } : {}),
    ...(grant.locationId && grant.userType === 'Location' ? { locationId: grant.locationId } : {}),
    userId: 'user-fake-1',
  };
}

/** `POST /oauth/token`: authorization_code and refresh_token grants; a refresh token works once. */
function tokenEndpoint(req: IncomingMessage, res: ServerResponse, form: URLSearchParams, state: FakeGhlState, app: FakeOAuthApp, record: (status: number) => void): void {
  const answer = (status: number, body: unknown) => {
    record(status);
    reply(res, status, body);
  };
  const fail = (status: number, error: string, description: string) => answer(status, { error, error_description: description });
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return fail(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  if (form.get('client_id') !== app.clientId || form.get('client_secret') !== app.clientSecret) return fail(401, 'invalid_client', 'Invalid client credentials');
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const code = app.codes.get(form.get('code') ?? '');
    if (!code) return fail(400, 'invalid_grant', 'Invalid grant: authorization code is invalid');
    app.codes.delete(form.get('code')!);
    if (form.get('redirect_uri') !== code.redirectUri) return fail(400, 'invalid_grant', 'Invalid grant: redirect_uri does not match');
    return answer(200, issue(state, app, code));
  }
  if (grantType === 'refresh_token') {
    const refresh = app.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!refresh || refresh.used) return fail(400, 'invalid_grant', 'Invalid grant: refresh token is invalid');
    refresh.used = true;
    return answer(200, issue(state, app, refresh));
  }
  fail(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType ?? '(none)'}`);
}

/** `POST /oauth/locationToken`: an agency (Company) token mints a token for one of its locations. */
function locationToken(req: IncomingMessage, res: ServerResponse, form: URLSearchParams, state: FakeGhlState, app: FakeOAuthApp, record: (status: number) => void): void {
  const answer = (status: number, body: unknown) => {
    record(status);
    reply(res, status, body);
  };
  const company = state.tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  if (!company) return answer(401, { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' });
  if (req.headers.version !== '2021-07-28') return answer(400, { statusCode: 400, message: 'Version header must be 2021-07-28', error: 'Bad Request' });
  if (company.locationId || !company.companyId) return answer(401, { statusCode: 401, message: 'This route is not yet supported by the IAM Service.', error: 'Unauthorized' });
  const companyId = form.get('companyId');
  const locationId = form.get('locationId') ?? '';
  const location = state.locations.get(locationId);
  if (companyId !== company.companyId || !location || location.companyId !== companyId) {
    return answer(400, { statusCode: 400, message: 'Location not found for this company', error: 'Bad Request' });
  }
  const access = token('lt');
  state.tokens.set(access, { locationId, companyId });
  answer(200, { access_token: access, token_type: 'Bearer', expires_in: app.accessTtlSeconds, scope: 'contacts.readonly contacts.write', locationId, companyId, userType: 'Location', userId: 'user-fake-1' });
}

/**
 * GoHighLevel's OAuth endpoints (`/oauth/chooselocation` standing in for the marketplace consent page,
 * `/oauth/token`, `/oauth/locationToken`): every `/oauth/` request of the fake comes here with its raw
 * (form-encoded) body. Tokens it issues go into `state.tokens` so the API accepts them.
 */
export function handleOAuth(req: IncomingMessage, res: ServerResponse, body: string, state: FakeGhlState): void {
  const app = fakeOAuth(state);
  const url = new URL(req.url ?? '/', 'http://fake');
  const form = new URLSearchParams(body);
  const record = (status: number) => app.grants.push({ path: url.pathname, grantType: form.get('grant_type'), refreshToken: form.get('refresh_token'), status });
  if (req.method === 'GET' && url.pathname === '/oauth/chooselocation') return chooseLocation(url, res, app);
  if (req.method === 'POST' && url.pathname === '/oauth/token') {
    setTimeout(() => tokenEndpoint(req, res, form, state, app, record), app.tokenDelayMs);
    return;
  }
  if (req.method === 'POST' && url.pathname === '/oauth/locationToken') return locationToken(req, res, form, state, app, record);
  oauthError(res, 404, 'not_found', `Cannot ${req.method} ${url.pathname}`);
}
