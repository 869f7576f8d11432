import { IntegrationAuthError, NodeError, RetryableError } from '../../../nodes/contract.js';
import { readJsonObjectCapped } from '../../../nodes/lib/capped-body.js';
import { fetchFollowingRedirects } from '../../../nodes/lib/outbound.js';
import type { GhlOAuthApp } from './oauth-app.js';

/** Tokens as the integration stores them (the `gohighlevel` template's OAuth fields). */
export interface GhlTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO time the access token stops working. */
  expiresAt: string;
  userType: 'Location' | 'Company';
  companyId?: string;
  locationId?: string;
  scope?: string;
}

/** A location token minted from an agency (Company) token. */
export interface LocationToken {
  accessToken: string;
  expiresAt: number;
}

export interface CallOptions {
  signal: AbortSignal;
  allowPrivateNetwork: boolean;
}

/** A token call must not hold a step (or a refresh lock, see lock.ts) for long. */
const TOKEN_CALL_TIMEOUT_MS = 20_000;

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  userType?: unknown;
  companyId?: unknown;
  locationId?: unknown;
  scope?: unknown;
  error?: unknown;
  error_description?: unknown;
  message?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

async function post(url: string, form: Record<string, string>, headers: Record<string, string>, options: CallOptions): Promise<{ status: number; body: TokenAnswer }> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(TOKEN_CALL_TIMEOUT_MS)]);
  const { response } = await fetchFollowingRedirects({
    url: new URL(url),
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form).toString(),
    signal,
    allowPrivateNetwork: options.allowPrivateNetwork,
  });
  // Not JSON (or too large to be a token answer): judged by its status below.
  const body = (await readJsonObjectCapped(response, "GoHighLevel's token endpoint's answer")) as TokenAnswer;
  return { status: response.status, body };
}

/** GoHighLevel's reason in its own words (OAuth errors carry `error_description`, API errors `message`). */
function reason(body: TokenAnswer, status: number): string {
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  return String(text(body.error_description) ?? text(message) ?? text(body.error) ?? `HTTP ${status}`).slice(0, 300);
}

function failure(status: number, body: TokenAnswer, what: string): Error {
  if (status === 429 || status >= 500) return new RetryableError(`GoHighLevel could not answer ${what} (${status}): ${reason(body, status)}`, 'ghl_oauth_unavailable');
  if (body.error === 'invalid_client') {
    return new IntegrationAuthError(`GoHighLevel did not accept this installation's marketplace app credentials (GHL_CLIENT_ID / GHL_CLIENT_SECRET) for ${what}: ${reason(body, status)}`);
  }
  if (body.error === 'invalid_grant' || status === 401) {
    return new IntegrationAuthError(
      `GoHighLevel refused ${what}: ${reason(body, status)}. The app was probably uninstalled or its access revoked: connect GoHighLevel again (Connect with GoHighLevel).`,
    );
  }
  return new NodeError(`GoHighLevel refused ${what} (${status}): ${reason(body, status)}`, 'ghl_oauth_failed');
}

function tokensFrom(body: TokenAnswer, what: string): GhlTokens {
  const accessToken = text(body.access_token);
  const refreshToken = text(body.refresh_token);
  const seconds = Number(body.expires_in);
  if (!accessToken || !refreshToken || !Number.isFinite(seconds) || seconds <= 0) {
    throw new RetryableError(`GoHighLevel answered ${what} without access_token, refresh_token and expires_in.`, 'ghl_oauth_invalid_answer');
  }
  return {
    accessToken,
    refreshToken,
    expiresAt: new Date(Date.now() + seconds * 1000).toISOString(),
    userType: body.userType === 'Company' ? 'Company' : 'Location',
    ...(text(body.companyId) ? { companyId: text(body.companyId) } : {}),
    ...(text(body.locationId) ? { locationId: text(body.locationId) } : {}),
    ...(text(body.scope) ? { scope: text(body.scope) } : {}),
  };
}

/** The authorization code from the consent page, for the app's first tokens. */
export async function exchangeCode(app: GhlOAuthApp, code: string, redirectUri: string, options: CallOptions): Promise<GhlTokens> {
  const what = 'the authorization code';
  const { status, body } = await post(`${app.apiUrl}/oauth/token`, { client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'authorization_code', code, redirect_uri: redirectUri }, {}, options);
  if (status < 200 || status >= 300) throw failure(status, body, what);
  return tokensFrom(body, what);
}

/** New tokens for a refresh token, which GoHighLevel then retires: store the answer before anything else. */
export async function refreshTokens(app: GhlOAuthApp, refreshToken: string, userType: string, options: CallOptions): Promise<GhlTokens> {
  const what = 'the stored refresh token';
  const form = { client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken, user_type: userType === 'Company' ? 'Company' : 'Location' };
  const { status, body } = await post(`${app.apiUrl}/oauth/token`, form, {}, options);
  if (status < 200 || status >= 300) throw failure(status, body, what);
  return tokensFrom(body, what);
}

/** A location token minted with an agency token (`POST /oauth/locationToken`). */
export async function mintLocationToken(apiUrl: string, companyToken: string, companyId: string, locationId: string, options: CallOptions): Promise<LocationToken> {
  const what = `a token for location ${locationId}`;
  const headers = { authorization: `Bearer ${companyToken}`, version: '2021-07-28' };
  const { status, body } = await post(`${apiUrl}/oauth/locationToken`, { companyId, locationId }, headers, options);
  if (status < 200 || status >= 300) throw Object.assign(failure(status, body, what), { status });
  const accessToken = text(body.access_token);
  const seconds = Number(body.expires_in);
  if (!accessToken || !Number.isFinite(seconds) || seconds <= 0) throw new RetryableError(`GoHighLevel answered ${what} without access_token and expires_in.`, 'ghl_oauth_invalid_answer');
  return { accessToken, expiresAt: Date.now() + seconds * 1000 };
}
