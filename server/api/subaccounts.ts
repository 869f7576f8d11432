import type { Models } from '../db/models/index.js';
import {
  createSubaccountBody,
  updateSubaccountBody,
  type CreateSubaccountBody,
  type UpdateSubaccountBody,
} from '../../schemas/api/accounts.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import { presentSubaccount } from './present.js';
import type { ApiRoutes } from './routes.js';
import type { CountedLimits } from '../billing/counted-limits.js';

/** `limits`: the plan's sub-account limit, when billing is on. */
export function subaccountRoutes(api: ApiRoutes, models: Models, limits?: CountedLimits): void {
  api.add(
    { method: 'post', path: '/api/subaccounts', summary: 'Create a sub-account', tag: 'subaccounts', auth: 'agency', access: 'admin', body: createSubaccountBody, status: 201 },
    async (req) => {
      const body = req.body as CreateSubaccountBody;
      await limits?.assertRoom(req.principal!.agencyId, 'subaccounts');
      const row = await models.Subaccount.create({ agencyId: req.principal!.agencyId, name: body.name, timezone: body.timezone ?? 'UTC' });
      return presentSubaccount(row);
    },
  );

  api.add(
    { method: 'get', path: '/api/subaccounts', summary: 'List the sub-accounts the caller can reach', tag: 'subaccounts', auth: 'agency', query: pagingQuery },
    (req) => paginate(models.Subaccount, api.tenancy.visibleSubaccounts(req.principal!), pageParams(req.query), presentSubaccount),
  );

  api.add(
    { method: 'get', path: '/api/subaccounts/:sid', summary: 'Get a sub-account', tag: 'subaccounts' },
    (req) => presentSubaccount(req.subaccount!),
  );

  api.add(
    { method: 'patch', path: '/api/subaccounts/:sid', summary: 'Rename a sub-account or change its time zone', tag: 'subaccounts', access: 'admin', body: updateSubaccountBody },
    async (req) => presentSubaccount(await req.subaccount!.update(req.body as UpdateSubaccountBody)),
  );

  api.add(
    { method: 'delete', path: '/api/subaccounts/:sid', summary: 'Delete a sub-account and everything in it', tag: 'subaccounts', access: 'admin', status: 204 },
    async (req) => {
      await req.subaccount!.destroy();
    },
  );
}
