import type { Models } from '../db/models/index.js';
import { forbidden, notFound } from '../lib/errors.js';
import { hashToken, newApiKey } from '../auth/tokens.js';
import { createApiKeyBody, type CreateApiKeyBody } from '../../schemas/api/accounts.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import { presentApiKey } from './present.js';
import type { ApiRoutes } from './routes.js';

export function apiKeyRoutes(api: ApiRoutes, models: Models): void {
  const base = '/api/subaccounts/:sid/api-keys';

  api.add(
    { method: 'post', path: base, summary: 'Create an API key for this sub-account (the key is shown once)', tag: 'api-keys', body: createApiKeyBody, status: 201 },
    async (req) => {
      const principal = req.principal!;
      if (principal.kind === 'apiKey') throw forbidden('An API key cannot create API keys; sign in as a user.');
      const { key, prefix } = newApiKey();
      const row = await models.ApiKey.create({
        agencyId: principal.agencyId,
        subaccountId: req.subaccount!.id,
        createdById: principal.userId,
        name: (req.body as CreateApiKeyBody).name,
        prefix,
        keyHash: hashToken(key),
      });
      return { ...presentApiKey(row), key };
    },
  );

  api.add({ method: 'get', path: base, summary: 'List API keys (without the keys)', tag: 'api-keys', query: pagingQuery }, (req) =>
    paginate(models.ApiKey, { subaccountId: req.subaccount!.id, revokedAt: null }, pageParams(req.query), presentApiKey),
  );

  api.add(
    { method: 'delete', path: `${base}/:kid`, summary: 'Revoke an API key', tag: 'api-keys', status: 204 },
    async (req) => {
      const [count] = await models.ApiKey.update(
        { revokedAt: new Date() },
        { where: { id: String(req.params.kid), subaccountId: req.subaccount!.id, revokedAt: null } },
      );
      if (!count) throw notFound('API key');
    },
  );
}
