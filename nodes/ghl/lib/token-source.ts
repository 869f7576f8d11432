import { IntegrationAuthError, type IntegrationHandle } from '../../contract.js';
import { oauthTokenSource } from '../../../server/integrations/gohighlevel/oauth-token-source.js';

/**
 * Where the GoHighLevel client gets its bearer token. `refresh` is asked once after a 401 with the token
 * that was refused; it answers a new token, or null when there is nothing better to try.
 */
export interface GhlTokenSource {
  accessToken(): Promise<string>;
  refresh?(rejected: string): Promise<string | null>;
}

/**
 * What a token source is built from: the integration's decrypted `gohighlevel` config and, when a node
 * runs, the integration handle (to store rotated OAuth tokens). Template tests and option loaders have no
 * handle: an OAuth source must then not spend a refresh token it cannot store.
 */
export interface GhlConnection {
  credentials: Record<string, unknown>;
  integration?: IntegrationHandle;
  signal: AbortSignal;
  allowPrivateNetwork: boolean;
}

/** A Private Integration Token: one fixed token, nothing to refresh. */
export function privateTokenSource(credentials: Record<string, unknown>): GhlTokenSource {
  return {
    accessToken: async () => {
      const token = credentials.token;
      if (typeof token !== 'string' || !token) {
        throw new IntegrationAuthError('This GoHighLevel integration has no Private Integration Token: paste one in the integration (Settings → Private Integrations in GoHighLevel).');
      }
      return token;
    },
  };
}

/** The one place that picks how a GoHighLevel connection authenticates. */
export function ghlTokenSource(connection: GhlConnection): GhlTokenSource {
  return connection.credentials.authType === 'oauth' ? oauthTokenSource(connection) : privateTokenSource(connection.credentials);
}
