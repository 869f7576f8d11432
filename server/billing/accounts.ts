import { UniqueConstraintError } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { BillingAccountRow } from '../db/models/billing.js';

const DAY_MS = 86_400_000;

/**
 * Each agency's billing row, made on first need: a new agency starts on starter, trialing for
 * `trialDays` from when it was created (when a trial is configured).
 */
export class BillingAccounts {
  constructor(
    private readonly models: Models,
    private readonly trialDays: number,
  ) {}

  async get(agencyId: string): Promise<BillingAccountRow> {
    const found = await this.models.BillingAccount.findByPk(agencyId);
    if (found) return found;
    const agency = await this.models.Agency.findByPk(agencyId, { attributes: ['id', 'createdAt'] });
    if (!agency) throw new Error(`no agency ${agencyId}`);
    const trialEndsAt = this.trialDays ? new Date(agency.createdAt.getTime() + this.trialDays * DAY_MS) : null;
    try {
      return await this.models.BillingAccount.create({
        agencyId, plan: 'starter', interval: null, status: 'none', stripeCustomerId: null, stripeSubscriptionId: null,
        periodStart: null, periodEnd: null, trialEndsAt, pastDueSince: null, stateAt: null,
      });
    } catch (err) {
      // Two requests made it at once: the other one's row is the row.
      if (err instanceof UniqueConstraintError) return (await this.models.BillingAccount.findByPk(agencyId))!;
      throw err;
    }
  }
}
