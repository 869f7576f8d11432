import type { BillingAccountRow } from '../db/models/billing.js';
import { calendarMonth } from './clock.js';
import { isPlanId, planOf, type Interval, type PlanId, type PlanLimits } from './plans.js';

const DAY_MS = 86_400_000;

/** Subscription states whose plan applies in full. */
const PAID = new Set(['active', 'trialing']);

/** Where an agency stands at a moment: the plan it is on, the limits that apply, and the period usage counts in. */
export interface Standing {
  agencyId: string;
  /** The plan the agency chose (its subscription's, or starter). */
  plan: PlanId;
  /** The plan whose limits apply now: `plan`, or starter once a failed payment's grace period is over or the subscription ended. */
  limitsPlan: PlanId;
  limits: PlanLimits;
  interval: Interval | null;
  /** Stripe's status, or `trialing` / `trial_ended` / `none` for an agency without a subscription. */
  status: string;
  periodStart: Date;
  periodEnd: Date;
  trialEndsAt: Date | null;
  /** While `past_due`: when the plan's limits stop applying. */
  graceEndsAt: Date | null;
  adminsManageBilling: boolean;
}

/**
 * The current period: the subscription's, rolled forward by its own length when the renewal has not
 * been heard of yet (so a new period starts on time without a webhook); else the calendar month (UTC).
 */
function period(account: BillingAccountRow, now: Date): { start: Date; end: Date } {
  const { periodStart, periodEnd } = account;
  if (!periodStart || !periodEnd || periodEnd <= periodStart || !account.stripeSubscriptionId || account.status === 'canceled') return calendarMonth(now);
  let start = periodStart.getTime();
  let end = periodEnd.getTime();
  const length = end - start;
  if (now.getTime() >= end) {
    const skipped = Math.floor((now.getTime() - end) / length) + 1;
    start = end + (skipped - 1) * length;
    end = start + length;
  }
  return { start: new Date(start), end: new Date(end) };
}

export function standingOf(account: BillingAccountRow, now: Date, graceDays: number): Standing {
  const plan = isPlanId(account.plan) ? account.plan : 'starter';
  const subscribed = !!account.stripeSubscriptionId && account.status !== 'none';
  let status = account.status;
  if (!subscribed) status = account.trialEndsAt && account.trialEndsAt > now ? 'trialing' : account.trialEndsAt ? 'trial_ended' : 'none';
  const graceEndsAt = status === 'past_due' && account.pastDueSince ? new Date(account.pastDueSince.getTime() + graceDays * DAY_MS) : null;
  const applies = subscribed && (PAID.has(status) || (status === 'past_due' && (!graceEndsAt || now < graceEndsAt)));
  const limitsPlan: PlanId = applies ? plan : 'starter';
  const { start, end } = period(account, now);
  return {
    agencyId: account.agencyId,
    plan: subscribed ? plan : 'starter',
    limitsPlan,
    limits: planOf(limitsPlan).limits,
    interval: subscribed && (account.interval === 'monthly' || account.interval === 'annual') ? account.interval : null,
    status,
    periodStart: start,
    periodEnd: end,
    trialEndsAt: account.trialEndsAt,
    graceEndsAt,
    adminsManageBilling: !!account.adminsManageBilling,
  };
}
