import type { Interval, PlanId } from './plans.js';

export type PriceKey = `${PlanId}:${Interval}`;

/** Billing as configured (STRIPE_* and BILLING_* variables); the app has none when STRIPE_SECRET_KEY is unset. */
export interface BillingSettings {
  secretKey: string;
  /** Verifies `POST /webhooks/stripe` (Stripe's `whsec_…`). */
  webhookSecret: string;
  /** Where the Stripe client sends its calls (a fake in tests); null: Stripe itself. */
  apiUrl: string | null;
  /** Stripe price ids per plan and interval (STRIPE_PRICE_<PLAN>_<INTERVAL>); a plan without one cannot be bought. */
  prices: Partial<Record<PriceKey, string>>;
  /** Days a new agency's trial lasts (0: no trial). */
  trialDays: number;
  /** Days a `past_due` subscription keeps its plan before limits drop to starter. */
  graceDays: number;
}

export const priceVariable = (plan: PlanId, interval: Interval) => `STRIPE_PRICE_${plan.toUpperCase()}_${interval.toUpperCase()}`;
