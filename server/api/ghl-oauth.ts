import type { Request, Response } from 'express';
import { isIntegrationAuthError, isNodeError, isRetryableError } from '../../nodes/contract.js';
import { findTemplate } from '../../schemas/integrations/index.js';
import { principalForUser } from '../auth/authenticate.js';
import type { GhlSettings } from '../config.js';
import type { Models } from '../db/models/index.js';
import type { IntegrationRow } from '../db/models/runtime.js';
import { exchangeCode, type GhlTokens } from '../integrations/gohighlevel/oauth-client.js';
import { OAuthStates } from '../integrations/gohighlevel/oauth-state.js';
import { maskedConfig, revealConfig, splitConfig } from '../integrations/vault.js';
import { badRequest, conflict, HttpError } from '../lib/errors.js';
import { iso } from './present.js';
import type { ApiRoutes } from './routes.js';

export const GHL_CALLBACK_PATH = '/api/integrations/oauth/gohighlevel/callback';
const PROVIDER = 'gohighlevel';

export interface GhlOAuthDeps {
  models: Models;
  encryptionKey: Buffer;
  publicUrl: string;
  allowPrivateNetwork: boolean;
  ghl: GhlSettings;
  /** Called after an integration was stored (caches of integrations are dropped). */
  onChanged?(): void;
}

const short = (value: unknown, max: number): string | null => (typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : null);

/**
 * Connecting GoHighLevel through the marketplace app (CONTRACT §4). `start` (signed in, write access to the
 * sub-account) sends the browser to GoHighLevel's consent page with a state bound to the person and the
 * sub-account; GoHighLevel sends the browser back to the callback with a code. The callback carries none of
 * our credentials (it is a redirect from another site): the single-use state says whose connection it is,
 * and that person must still be allowed to change the sub-account's integrations when it arrives.
 */
export function ghlOAuthRoutes(api: ApiRoutes, deps: GhlOAuthDeps): void {
  const states = new OAuthStates(deps.models);
  const redirectUri = `${deps.publicUrl}${GHL_CALLBACK_PATH}`;

  function app() {
    if (!deps.ghl.oauth) throw conflict('GoHighLevel OAuth is off on this installation: set GHL_CLIENT_ID and GHL_CLIENT_SECRET (the marketplace app), or connect with a Private Integration Token.', 'oauth_not_configured');
    return deps.ghl.oauth;
  }

  api.add(
    {
      method: 'get',
      path: '/api/subaccounts/:sid/integrations/oauth/gohighlevel/start',
      summary: 'Connect GoHighLevel through the marketplace app: redirects (302) to its consent page',
      tag: 'integrations',
      access: 'write',
      status: 302,
      query: {
        name: { type: 'string', description: 'Name of the integration to create (default "GoHighLevel")' },
        locationId: { type: 'string', description: 'For an agency install: the location (sub-account) its calls act on' },
        format: { type: 'string', description: '"json": answer 200 {url, expiresAt} instead of redirecting (for scripts)' },
      },
    },
    async (req: Request, res: Response) => {
      const oauth = app();
      const locationId = short(req.query.locationId, 100);
      if (locationId && !/^[A-Za-z0-9_-]+$/.test(locationId)) throw badRequest('The locationId is not a GoHighLevel location id.', [{ path: '/locationId', message: 'must be letters, digits, _ or -' }]);
      const { state, expiresAt } = await states.issue(PROVIDER, {
        agencyId: req.principal!.agencyId,
        subaccountId: req.subaccount!.id,
        userId: req.principal!.actorUserId,
        name: short(req.query.name, 200),
        locationId,
      });
      const url = new URL(oauth.authorizeUrl);
      url.search = new URLSearchParams({ response_type: 'code', client_id: oauth.clientId, redirect_uri: redirectUri, scope: oauth.scopes.join(' '), state }).toString();
      if (req.query.format === 'json') return res.status(200).json({ url: url.toString(), expiresAt: expiresAt.toISOString() });
      res.redirect(302, url.toString());
    },
  );

  api.add(
    {
      method: 'get',
      path: GHL_CALLBACK_PATH,
      summary: 'Where GoHighLevel sends the browser back after consent: stores the tokens as a gohighlevel integration',
      tag: 'integrations',
      auth: 'public',
      query: { code: { type: 'string', description: 'Authorization code' }, state: { type: 'string', description: 'The state given at start' } },
    },
    async (req: Request) => {
      const oauth = app();
      const binding = await states.consume(PROVIDER, req.query.state);
      if (typeof req.query.error === 'string') {
        throw badRequest(`GoHighLevel did not grant access (${req.query.error.slice(0, 100)}): start the connection again and approve it.`, [], 'oauth_denied');
      }
      const code = short(req.query.code, 2000);
      if (!code) throw badRequest('GoHighLevel sent no authorization code: start the connection again.', [{ path: '/code', message: 'is missing' }], 'invalid_oauth_code');
      const user = await deps.models.User.findOne({ where: { id: binding.userId, agencyId: binding.agencyId } });
      if (!user) throw new HttpError(403, 'forbidden', 'The person who started this connection no longer has an account here.');
      await api.tenancy.subaccount(await principalForUser(deps.models, user, null), binding.subaccountId, 'write');
      const tokens = await exchange(oauth, code);
      const locationId = tokens.locationId ?? binding.locationId;
      if (!locationId) {
        throw badRequest('GoHighLevel gave an agency token without a location: start the connection again with ?locationId=<the sub-account\'s location id>.', [{ path: '/locationId', message: 'is required for an agency install' }], 'location_required');
      }
      const row = await store(binding.agencyId, binding.subaccountId, binding.name, locationId, tokens);
      deps.onChanged?.();
      return {
        id: row.id,
        name: row.name,
        template: row.template,
        status: row.status,
        subaccountId: row.subaccountId,
        config: maskedConfig(findTemplate(row.template), row, deps.encryptionKey),
        createdAt: iso(row.createdAt),
        updatedAt: iso(row.updatedAt),
      };
    },
  );

  async function exchange(oauth: NonNullable<GhlSettings['oauth']>, code: string): Promise<GhlTokens> {
    try {
      return await exchangeCode(oauth, code, redirectUri, { signal: AbortSignal.timeout(20_000), allowPrivateNetwork: deps.allowPrivateNetwork });
    } catch (err) {
      if (isRetryableError(err)) throw new HttpError(502, 'integration_failed', `${err.message} Try connecting again in a minute.`);
      if (isIntegrationAuthError(err) || isNodeError(err)) throw badRequest(`${err.message}`, [], 'oauth_exchange_failed');
      throw err;
    }
  }

  /** A location connected again (a reinstall) keeps its integration, so flows naming it keep working. */
  async function store(agencyId: string, subaccountId: string, name: string | null, locationId: string, tokens: GhlTokens): Promise<IntegrationRow> {
    const template = findTemplate(PROVIDER);
    if (!template) throw new Error('the gohighlevel template is not registered');
    const existing = (await deps.models.Integration.findAll({ where: { subaccountId, template: PROVIDER } })).find(
      (row) => row.config.authType === 'oauth' && row.config.locationId === locationId,
    );
    const previous = existing ? revealConfig(existing, deps.encryptionKey) : {};
    const config: Record<string, unknown> = {
      ...previous,
      authType: 'oauth',
      locationId,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
      userType: tokens.userType,
      ...(tokens.companyId ? { companyId: tokens.companyId } : {}),
    };
    const sealed = splitConfig(template, config, deps.encryptionKey);
    if (existing) return existing.update({ ...sealed, status: 'active', lastError: null, ...(name ? { name } : {}) });
    return deps.models.Integration.create({ agencyId, subaccountId, template: PROVIDER, name: name ?? 'GoHighLevel', status: 'active', ...sealed });
  }
}
