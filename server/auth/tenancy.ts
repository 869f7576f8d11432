import { Op, type WhereOptions } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { SubaccountRow } from '../db/models/accounts.js';
import { forbidden, notFound } from '../lib/errors.js';
import { isAgencyAdmin, type Principal } from './principal.js';

export type Access = 'read' | 'write' | 'admin';

/**
 * The one place that decides what a principal may reach. Other agencies' objects and sub-accounts a
 * user is not given are reported as missing (404), never as forbidden, so ids leak nothing.
 */
export class Tenancy {
  constructor(private readonly models: Models) {}

  canReach(principal: Principal, subaccountId: string): boolean {
    return principal.subaccountIds === null || principal.subaccountIds.includes(subaccountId);
  }

  /** Checks the role allows this kind of access, anywhere in the agency. */
  assertAccess(principal: Principal, access: Access): void {
    if (access === 'admin' && !isAgencyAdmin(principal)) throw forbidden('Only an owner or admin of the agency can do this.');
    if (access === 'write' && principal.role === 'viewer') {
      throw forbidden(
        principal.kind === 'apiKey'
          ? 'This API key is read-only: the user who created it is now a viewer.'
          : 'Viewers have read-only access.',
      );
    }
  }

  async subaccount(principal: Principal, subaccountId: string, access: Access): Promise<SubaccountRow> {
    const row = this.canReach(principal, subaccountId)
      ? await this.models.Subaccount.findOne({ where: { id: subaccountId, agencyId: principal.agencyId } })
      : null;
    if (!row) throw notFound('sub-account');
    this.assertAccess(principal, access);
    return row;
  }

  /** Where-clause for listing sub-accounts the principal can see. */
  visibleSubaccounts(principal: Principal): WhereOptions<SubaccountRow> {
    return principal.subaccountIds === null
      ? { agencyId: principal.agencyId }
      : { agencyId: principal.agencyId, id: { [Op.in]: principal.subaccountIds } };
  }
}
