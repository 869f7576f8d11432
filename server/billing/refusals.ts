import { HttpError } from '../lib/errors.js';
import { planOf, planThatLifts, type CountedLimit } from './plans.js';
import type { Standing } from './standing.js';

const NOUNS: Record<CountedLimit, string> = {
  executionsPerMonth: 'executions this billing period',
  activeFlows: 'active flows',
  subaccounts: 'sub-accounts',
  users: 'users',
};

/** Seconds until the period ends, at most a day: when trying again can first succeed without an upgrade. */
export function secondsToPeriodEnd(standing: Standing, now: Date): number {
  return Math.min(86_400, Math.max(1, Math.ceil((standing.periodEnd.getTime() - now.getTime()) / 1000)));
}

/**
 * 429 `plan_limit_reached`: names the limit, what is used, and the plan that lifts it (CONTRACT §10).
 * `extra` says what happened to the request (a webhook's execution is kept, for one).
 */
export function planLimitReached(standing: Standing, limit: CountedLimit, used: number, now: Date, extra = ''): HttpError {
  const max = standing.limits[limit]!;
  const plan = planOf(standing.limitsPlan);
  const lifts = planThatLifts(standing.limitsPlan, limit, used + 1);
  const dropped = standing.limitsPlan !== standing.plan ? ` (the ${planOf(standing.plan).name} plan's limits do not apply while the subscription is ${standing.status})` : '';
  const way = lifts ? ` Upgrade to ${lifts.name} (${lifts.limits[limit] ?? 'unlimited'} ${NOUNS[limit]}) in billing${limit === 'executionsPerMonth' ? ', or wait for the next period' : ''}.` : ' Contact us for a larger plan.';
  const message = `Your ${plan.name} plan allows ${max} ${NOUNS[limit]}${dropped}, and ${used} are used.${extra ? ` ${extra}` : ''}${way}`;
  return new HttpError(
    429,
    'plan_limit_reached',
    message,
    [{ path: '', message: `limit ${limit} reached`, limit, plan: standing.limitsPlan, max, used, upgradeTo: lifts?.id ?? null, periodEnd: standing.periodEnd.toISOString() }],
    { 'Retry-After': String(secondsToPeriodEnd(standing, now)) },
  );
}
