/**
 * Billing's notion of now: trial ends, grace periods and billing periods are judged by it. A test moves
 * it forward (`advance`) to walk through a grace period or into a new month without waiting days.
 */
export class BillingClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** The UTC day of a time, as `usage_days` keys it. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** The calendar month (UTC) holding `at`: the period of an agency without a subscription. */
export function calendarMonth(at: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, end };
}
