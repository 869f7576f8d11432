import type { BillingOverview, UsagePerDay } from '../api/integrations.js';
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

/** "Mar 3" for a `YYYY-MM-DD` day, read as the UTC day the server counts in (never shifted by the browser's zone). */
export const shortDay = (day: string): string => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

const executions = (n: number) => `${n.toLocaleString('en-US')} execution${n === 1 ? '' : 's'}`;

export interface DayBar {
  day: string;
  executions: number;
  /** 0..1 of the chart's height: the busiest day fills it. */
  height: number;
  /** What the bar says to a person hovering it or a screen reader: "Mar 3: 12 executions". */
  label: string;
}

export interface DailyChart {
  bars: DayBar[];
  /** The busiest day's count (0 when nothing ran). */
  max: number;
  /** One sentence for screen readers and the caption: the range, the total, the busiest day. */
  summary: string;
}

/** The per-day bar chart of executions on the billing page, from the usage endpoint's answer. */
export function dailyChart(usage: UsagePerDay): DailyChart {
  const max = usage.days.reduce((most, d) => Math.max(most, d.executions), 0);
  const bars = usage.days.map((d) => ({ day: d.day, executions: d.executions, height: max ? d.executions / max : 0, label: `${shortDay(d.day)}: ${executions(d.executions)}` }));
  const range = `Executions per day from ${shortDay(usage.from)} to ${shortDay(usage.to)}`;
  const busiest = usage.days.find((d) => d.executions === max);
  const summary = max && busiest ? `${range}: ${executions(usage.total)} in all, the most on ${shortDay(busiest.day)} (${max.toLocaleString('en-US')}).` : `${range}: none yet.`;
  return { bars, max, summary };
}
