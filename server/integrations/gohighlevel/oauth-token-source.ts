import { IntegrationAuthError } from '../../../nodes/contract.js';
import type { GhlConnection, GhlTokenSource } from '../../../nodes/ghl/lib/token-source.js';

/**
 * The token source of an OAuth-connected GoHighLevel integration (access token, refresh before expiry and
 * after one 401, rotated tokens stored through `connection.integration.save`). Owned by the OAuth work;
 * until it lands, OAuth connections refuse with a message a person can act on.
 */
export function oauthTokenSource(_connection: GhlConnection): GhlTokenSource {
  return {
    accessToken: async () => {
      throw new IntegrationAuthError('OAuth connections arrive with the GoHighLevel marketplace app; connect this sub-account with a Private Integration Token for now.');
    },
  };
}
