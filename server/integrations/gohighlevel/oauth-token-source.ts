import { createHash } from 'node:crypto';
import { IntegrationAuthError } from '../../../nodes/contract.js';
import type { GhlConnection, GhlTokenSource } from '../../../nodes/ghl/lib/token-source.js';
import { ghlOAuthApp, type GhlOAuthApp } from './oauth-app.js';
import { mintLocationToken, refreshTokens, type LocationToken } from './oauth-client.js';

/** Renewed this long before it runs out, so no call leaves with a token about to expire. */
export const REFRESH_EARLY_MS = 5 * 60_000;
/** Location tokens minted from agency tokens, until they expire (per integration and location). */
const locationTokens = new Map<string, LocationToken>();
const MAX_CACHED = 10_000;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const expiresAt = (config: Record<string, unknown>): number => Date.parse(text(config.expiresAt)) || 0;
const isFresh = (config: Record<string, unknown>): boolean => !!text(config.accessToken) && expiresAt(config) - Date.now() > REFRESH_EARLY_MS;

function oauthApp(): GhlOAuthApp {
  const app = ghlOAuthApp();
  if (!app) {
    throw new IntegrationAuthError('This GoHighLevel integration was connected through the marketplace app, but GHL_CLIENT_ID and GHL_CLIENT_SECRET are not set on this installation: set them (or connect with a Private Integration Token).');
  }
  return app;
}

/**
 * The token source of a GoHighLevel integration connected through the marketplace app (OAuth). The access
 * token is renewed before it expires and once after a 401; GoHighLevel retires a refresh token on use, so
 * every renewal goes through `integration.update`, which lets one process at a time read the stored
 * tokens and replace them: a process that finds them already renewed by another uses those instead of
 * spending the retired refresh token. An agency (Company) token is not used on location calls directly:
 * it mints a location token (`/oauth/locationToken`), kept until it expires.
 */
export function oauthTokenSource(connection: GhlConnection): GhlTokenSource {
  let credentials = connection.credentials;
  const options = { signal: connection.signal, allowPrivateNetwork: connection.allowPrivateNetwork };
  const isCompany = credentials.userType === 'Company';

  /** New tokens, unless another process renewed them since `rejected` was read. */
  async function renew(rejected: string): Promise<string> {
    const update = connection.integration?.update;
    if (!update) {
      // A connection test or an option list cannot store rotated tokens: spending the refresh token would lose it.
      throw new IntegrationAuthError('The GoHighLevel access token has expired; it is renewed the next time a flow uses this integration (or connect GoHighLevel again).');
    }
    credentials = await update(async (stored) => {
      if (text(stored.accessToken) !== rejected && isFresh(stored)) return null;
      const refreshToken = text(stored.refreshToken);
      if (!refreshToken) throw new IntegrationAuthError('This GoHighLevel integration has no refresh token: connect GoHighLevel again.');
      const tokens = await refreshTokens(oauthApp(), refreshToken, text(stored.userType), options);
      return { ...stored, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt };
    });
    return text(credentials.accessToken);
  }

  /** The stored token (the location's, or the agency's), renewed first when it is about to expire. */
  async function storedToken(): Promise<string> {
    return isFresh(credentials) ? text(credentials.accessToken) : renew(text(credentials.accessToken));
  }

  const cacheKey = () => `${connection.integration?.id ?? createHash('sha256').update(text(credentials.refreshToken)).digest('hex')}:${text(credentials.locationId)}`;

  async function locationToken(forceNew = false): Promise<string> {
    const key = cacheKey();
    const cached = locationTokens.get(key);
    if (!forceNew && cached && cached.expiresAt - Date.now() > REFRESH_EARLY_MS) return cached.accessToken;
    const companyId = text(credentials.companyId);
    if (!companyId) throw new IntegrationAuthError('This GoHighLevel agency connection has no company id: connect GoHighLevel again.');
    const mint = (token: string) => mintLocationToken(oauthApp().apiUrl, token, companyId, text(credentials.locationId), options);
    let company = await storedToken();
    let minted: LocationToken;
    try {
      minted = await mint(company);
    } catch (err) {
      if ((err as { status?: number }).status !== 401) throw err;
      // The agency token itself was refused: renew it once and mint again.
      company = await renew(company);
      minted = await mint(company);
    }
    if (locationTokens.size >= MAX_CACHED) locationTokens.delete(locationTokens.keys().next().value as string);
    locationTokens.set(key, minted);
    return minted.accessToken;
  }

  return {
    accessToken: () => (isCompany ? locationToken() : storedToken()),
    async refresh(rejected) {
      if (!isCompany) return renew(rejected);
      if (locationTokens.get(cacheKey())?.accessToken === rejected) locationTokens.delete(cacheKey());
      return locationToken(true);
    },
  };
}
