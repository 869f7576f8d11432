import type { Models } from '../db/models/index.js';
import type { Allowances } from './allowances.js';
import type { BillingClock } from './clock.js';
import { planLimitReached } from './refusals.js';
import { within, type CountedLimit, type PlanLimits } from './plans.js';

export type Counts = { activeFlows: number; subaccounts: number; users: number };

/** What an agency has now of each thing a plan counts (not the hot path: asked when one is added, and by the billing page). */
export async function countsOf(models: Models, agencyId: string): Promise<Counts> {
  const [activeFlows, subaccounts, users] = await Promise.all([
    models.Flow.count({ where: { agencyId, active: true } }),
    models.Subaccount.count({ where: { agencyId } }),
    models.User.count({ where: { agencyId } }),
  ]);
  return { activeFlows, subaccounts, users };
}

/** Limits a plan has that the agency's current counts are past (after a downgrade): nothing is taken away, new ones are refused. */
export function overLimits(limits: PlanLimits, counts: Counts): { limit: CountedLimit; max: number; used: number; message: string }[] {
  return (['activeFlows', 'subaccounts', 'users'] as const).flatMap((limit) => {
    const max = limits[limit];
    if (max === null || counts[limit] <= max) return [];
    return [{ limit, max, used: counts[limit], message: `${counts[limit]} ${limit === 'activeFlows' ? 'active flows' : limit === 'subaccounts' ? 'sub-accounts' : 'users'} are past this plan's ${max}: they keep working, and no more can be added until fewer remain or the plan is raised.` }];
  });
}

/** Refuses adding one more active flow, sub-account or user past the plan (429 `plan_limit_reached`). */
export class CountedLimits {
  constructor(
    private readonly models: Models,
    private readonly allowances: Allowances,
    private readonly clock: BillingClock,
  ) {}

  async assertRoom(agencyId: string, limit: Exclude<CountedLimit, 'executionsPerMonth'>): Promise<void> {
    const standing = await this.allowances.standing(agencyId);
    const max = standing.limits[limit];
    if (max === null) return;
    const used = (await countsOf(this.models, agencyId))[limit];
    if (within(max, used)) return;
    const extra = used > max ? 'Nothing was deactivated or removed by the plan change; only adding more is refused.' : '';
    throw planLimitReached(standing, limit, used, this.clock.now(), extra);
  }
}
