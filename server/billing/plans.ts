import type { FromSchema } from 'json-schema-to-ts';
import { ajv } from '../lib/validation.js';

/** A limit of a plan; null means unlimited. */
const limit = { type: ['integer', 'null'], minimum: 0 } as const;

const planSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'prices', 'limits'],
  properties: {
    id: { type: 'string', enum: ['starter', 'professional', 'business', 'enterprise'] },
    name: { type: 'string', minLength: 1 },
    /** Whole US dollars, as the pricing page shows them (Stripe holds the real prices, by price id). */
    prices: {
      type: 'object',
      additionalProperties: false,
      required: ['monthly', 'annual'],
      properties: { monthly: { type: 'integer', minimum: 0 }, annual: { type: 'integer', minimum: 0 } },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['executionsPerMonth', 'activeFlows', 'subaccounts', 'users', 'apiRequestsPer15Minutes', 'codeMemoryMb', 'codeTimeoutMs', 'executionRetentionDays'],
      properties: {
        executionsPerMonth: limit,
        activeFlows: limit,
        subaccounts: limit,
        users: limit,
        apiRequestsPer15Minutes: { type: 'integer', minimum: 1 },
        codeMemoryMb: { type: 'integer', minimum: 8 },
        codeTimeoutMs: { type: 'integer', minimum: 100 },
        executionRetentionDays: { type: 'integer', minimum: 1 },
      },
    },
  },
} as const;

export type Plan = FromSchema<typeof planSchema>;
export type PlanId = Plan['id'];
export type PlanLimits = Plan['limits'];
export type Interval = 'monthly' | 'annual';
/** The limits a person can run into by adding something: what `plan_limit_reached` names. */
export type CountedLimit = 'executionsPerMonth' | 'activeFlows' | 'subaccounts' | 'users';

export const PLAN_IDS = ['starter', 'professional', 'business', 'enterprise'] as const satisfies readonly PlanId[];
export const INTERVALS = ['monthly', 'annual'] as const satisfies readonly Interval[];

/** The plans, cheapest first (the order upgrades go in). Declared once: every check and answer reads them. */
const declared: Plan[] = [
  {
    id: 'starter',
    name: 'Starter',
    prices: { monthly: 49, annual: 490 },
    limits: {
      executionsPerMonth: 5_000,
      activeFlows: 10,
      subaccounts: 3,
      users: 3,
      apiRequestsPer15Minutes: 100,
      codeMemoryMb: 32,
      codeTimeoutMs: 1_000,
      executionRetentionDays: 7,
    },
  },
  {
    id: 'professional',
    name: 'Professional',
    prices: { monthly: 149, annual: 1490 },
    limits: {
      executionsPerMonth: 50_000,
      activeFlows: 50,
      subaccounts: 15,
      users: 10,
      apiRequestsPer15Minutes: 500,
      codeMemoryMb: 64,
      codeTimeoutMs: 5_000,
      executionRetentionDays: 30,
    },
  },
  {
    id: 'business',
    name: 'Business',
    prices: { monthly: 399, annual: 3990 },
    limits: {
      executionsPerMonth: 250_000,
      activeFlows: 250,
      subaccounts: 50,
      users: 25,
      apiRequestsPer15Minutes: 1000,
      codeMemoryMb: 128,
      codeTimeoutMs: 15_000,
      executionRetentionDays: 90,
    },
  },
  {
    id: 'enterprise',
    name: 'Enterprise',
    prices: { monthly: 999, annual: 9990 },
    limits: {
      executionsPerMonth: 2_000_000,
      activeFlows: null,
      subaccounts: null,
      users: null,
      apiRequestsPer15Minutes: 5000,
      codeMemoryMb: 256,
      codeTimeoutMs: 30_000,
      executionRetentionDays: 365,
    },
  },
];

/** Checked when the module loads: a typo in the table stops the start instead of selling a broken plan. */
function checked(plans: Plan[]): readonly Plan[] {
  const validate = ajv.compile(planSchema);
  for (const plan of plans) {
    const { id } = plan;
    if (!validate(plan)) throw new Error(`plan ${id}: ${ajv.errorsText(validate.errors)}`);
  }
  const ids = plans.map((p) => p.id);
  if (ids.join() !== PLAN_IDS.join()) throw new Error(`plans must be declared once each, cheapest first: ${PLAN_IDS.join(', ')}`);
  return Object.freeze(plans);
}

export const PLANS = checked(declared);

export const isPlanId = (value: unknown): value is PlanId => typeof value === 'string' && (PLAN_IDS as readonly string[]).includes(value);

export function planOf(id: PlanId): Plan {
  return PLANS.find((p) => p.id === id)!;
}

/** Whether `used + adding` stays within the limit (null: unlimited). */
export const within = (max: number | null, used: number, adding = 1): boolean => max === null || used + adding <= max;

/** The cheapest plan above `current` whose limit allows `needed`, or null when none does. */
export function planThatLifts(current: PlanId, limitName: CountedLimit, needed: number): Plan | null {
  const from = PLAN_IDS.indexOf(current);
  return PLANS.slice(from + 1).find((p) => within(p.limits[limitName], needed, 0)) ?? null;
}
