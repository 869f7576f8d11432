import type { BillingOverview } from '../api/integrations.js';
import type { ErrorDetail, Role } from '../api/types.js';

/** The counted limits shown as bars, in the order a person thinks of them. */
const BARS = [
  { key: 'executionsPerMonth', usage: 'executions', label: 'Executions this period' },
  { key: 'activeFlows', usage: 'activeFlows', label: 'Active flows' },
  { key: 'subaccounts', usage: 'subaccounts', label: 'Sub-accounts' },
  { key: 'users', usage: 'users', label: 'Users' },
] as const;

export interface UsageBar {
  key: string;
  label: string;
  used: number;
  /** null: unlimited. */
  max: number | null;
  /** 0..1 of the bar filled (1 when past the limit). */
  fill: number;
  level: 'ok' | 'near' | 'over';
}

export function usageBars(overview: BillingOverview): UsageBar[] {
  return BARS.map(({ key, usage, label }) => {
    const used = overview.usage[usage] ?? 0;
    const max = overview.limits?.[key] ?? null;
    const ratio = max === null ? 0 : max === 0 ? (used > 0 ? 1 : 0) : used / max;
    return { key, label, used, max, fill: Math.min(1, ratio), level: max !== null && used >= max ? 'over' : ratio >= 0.8 ? 'near' : 'ok' };
  });
}

/** Who may open the billing page; admins only if an owner allowed it (the API says so with 403). */
export const mayManageBilling = (role: Role | undefined): boolean => role === 'owner' || role === 'admin';

/** "Jan 3, 2027" for an ISO date, or "–". */
export const day = (at: string | null | undefined): string => (at ? new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : '–');

/** The plan that lifts a refusal, from a 429 `plan_limit_reached` detail. */
export function upgradeOf(details: ErrorDetail[]): string | null {
  const up = (details[0] as (ErrorDetail & { upgradeTo?: unknown }) | undefined)?.upgradeTo;
  return typeof up === 'string' ? up : null;
}

export const formatLimit = (n: number | null): string => (n === null ? 'unlimited' : n.toLocaleString('en-US'));
