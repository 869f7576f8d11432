import type { Models } from '../db/models/index.js';
import type { EventBus } from '../runtime/events.js';
import { badRequest, forbidden, notFound } from '../lib/errors.js';
import { isAgencyAdmin } from '../auth/principal.js';
import { hashToken, newApiKey } from '../auth/tokens.js';
import { createApiKeyBody, type CreateApiKeyBody } from '../../schemas/api/accounts.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import { presentApiKey } from './present.js';
import type { ApiRoutes } from './routes.js';

/** The requested expiry, which must lie in the future (a key born expired is a mistake worth saying). */
function expiryOf(body: CreateApiKeyBody): Date | null {
  if (body.expiresAt === undefined) return null;
  const at = new Date(body.expiresAt);
  if (Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) {
    throw badRequest('expiresAt must be a time in the future, such as "2030-01-31T00:00:00Z".', [
      { path: '/expiresAt', message: 'must be a time in the future' },
    ]);
  }
  return at;
}

export function apiKeyRoutes(api: ApiRoutes, models: Models, bus: EventBus): void {
  const base = '/api/subaccounts/:sid/api-keys';

  api.add(
    {
      method: 'post',
      path: base,
      summary: 'Create an API key for this sub-account (the key is shown once; it acts with its creator’s rights, until expiresAt if given)',
      tag: 'api-keys',
      body: createApiKeyBody,
      status: 201,
    },
    async (req) => {
      const principal = req.principal!;
      if (principal.kind === 'apiKey') throw forbidden('An API key cannot create API keys; sign in as a user.');
      const body = req.body as CreateApiKeyBody;
      const expiresAt = expiryOf(body);
      const { key, prefix } = newApiKey();
      const row = await models.ApiKey.create({
        agencyId: principal.agencyId,
        subaccountId: req.subaccount!.id,
        createdById: principal.userId,
        name: body.name,
        prefix,
        keyHash: hashToken(key),
        expiresAt,
      });
      return { ...presentApiKey(row), key };
    },
  );

  api.add({ method: 'get', path: base, summary: 'List API keys (without the keys)', tag: 'api-keys', query: pagingQuery }, (req) =>
    paginate(models.ApiKey, { subaccountId: req.subaccount!.id, revokedAt: null }, pageParams(req.query), presentApiKey),
  );

  api.add(
    { method: 'delete', path: `${base}/:kid`, summary: 'Revoke an API key (owners, admins or the key’s creator)', tag: 'api-keys', status: 204 },
    async (req) => {
      const principal = req.principal!;
      const row = await models.ApiKey.findOne({ where: { id: String(req.params.kid), subaccountId: req.subaccount!.id, revokedAt: null } });
      if (!row) throw notFound('API key');
      const mine = principal.kind === 'user' ? row.createdById === principal.userId : row.id === principal.apiKeyId;
      if (!isAgencyAdmin(principal) && !mine) throw forbidden('Only an owner, an admin or the key’s creator can revoke this key.');
      const [count] = await models.ApiKey.update({ revokedAt: new Date() }, { where: { id: row.id, revokedAt: null } });
      if (!count) throw notFound('API key');
      bus.control({ type: 'access', reason: 'revoked', apiKeyIds: [row.id] });
    },
  );
}
