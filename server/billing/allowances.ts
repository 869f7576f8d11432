import { Op, type Transaction } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { BillingAccounts } from './accounts.js';
import type { BillingClock } from './clock.js';
import { dayOf } from './clock.js';
import { standingOf, type Standing } from './standing.js';
import type { UsageMeter } from './usage-meter.js';

/** How long a cached standing and execution count is trusted; limits may be this stale. */
export const ALLOWANCE_TTL_MS = 3000;
const MAX_CACHED = 10_000;

interface Entry {
  standing: Standing;
  /** Executions of the period in `usage_days` when loaded. */
  stored: number;
  /** This process's flushed count when loaded: what it counted since is `countedBy - flushedAtLoad`. */
  flushedAtLoad: number;
  loadedAt: number;
}

/** Executions in `usage_days` for the days of a period. */
export async function storedExecutions(models: Models, standing: Standing, transaction?: Transaction): Promise<number> {
  const last = new Date(standing.periodEnd.getTime() - 1);
  const total = await models.UsageDay.sum('executions', {
    where: { agencyId: standing.agencyId, day: { [Op.gte]: dayOf(standing.periodStart), [Op.lte]: dayOf(last) } },
    transaction,
  });
  return Number(total ?? 0);
}

/**
 * Each agency's standing and executions used this period, cached for a few seconds, so the hot path
 * checks a limit without a query: a cached answer is given at once (and refreshed behind it when it is
 * stale); only an agency seen for the first time waits for one read.
 */
export class Allowances {
  private readonly entries = new Map<string, Entry>();
  private readonly loads = new Map<string, Promise<Entry>>();

  constructor(
    private readonly models: Models,
    private readonly accounts: BillingAccounts,
    private readonly meter: UsageMeter,
    private readonly clock: BillingClock,
    private readonly graceDays: number,
  ) {}

  private load(agencyId: string): Promise<Entry> {
    let pending = this.loads.get(agencyId);
    if (!pending) {
      pending = this.meter
        .exclusive(async () => {
          const standing = standingOf(await this.accounts.get(agencyId), this.clock.now(), this.graceDays);
          const stored = await storedExecutions(this.models, standing);
          return { standing, stored, flushedAtLoad: this.meter.flushedBy(agencyId), loadedAt: Date.now() };
        })
        .then((entry) => {
          if (this.entries.size >= MAX_CACHED) this.entries.clear();
          this.entries.set(agencyId, entry);
          return entry;
        })
        .finally(() => this.loads.delete(agencyId));
      this.loads.set(agencyId, pending);
    }
    return pending;
  }

  private fresh(entry: Entry | undefined): boolean {
    return !!entry && Date.now() - entry.loadedAt < ALLOWANCE_TTL_MS && this.clock.now() < entry.standing.periodEnd;
  }

  private used(agencyId: string, entry: Entry): number {
    return entry.stored + this.meter.countedBy(agencyId) - entry.flushedAtLoad;
  }

  /** The cached entry, refreshed in the background when stale; a promise only when there is none yet. */
  private entry(agencyId: string): Entry | Promise<Entry> {
    const entry = this.entries.get(agencyId);
    if (this.fresh(entry)) return entry!;
    const loading = this.load(agencyId);
    if (!entry || this.clock.now() >= entry.standing.periodEnd) return loading;
    loading.catch(() => undefined);
    return entry;
  }

  /** Whether one more execution may start now (cached: a few seconds stale at most). */
  executionAllowed(agencyId: string): boolean | Promise<boolean> {
    const entry = this.entry(agencyId);
    const decide = (e: Entry) => e.standing.limits.executionsPerMonth === null || this.used(agencyId, e) < e.standing.limits.executionsPerMonth;
    return entry instanceof Promise ? entry.then(decide) : decide(entry);
  }

  /** The cached standing and executions used, without a query (null when the agency was not checked yet). */
  cached(agencyId: string): { standing: Standing; executions: number } | null {
    const entry = this.entries.get(agencyId);
    return entry ? { standing: entry.standing, executions: this.used(agencyId, entry) } : null;
  }

  async standing(agencyId: string): Promise<Standing> {
    return (await this.entry(agencyId)).standing;
  }

  /** The standing from the cache when there is one (refreshed behind it when stale), else a promise of it. */
  standingSoon(agencyId: string): Standing | Promise<Standing> {
    const entry = this.entry(agencyId);
    return entry instanceof Promise ? entry.then((e) => e.standing) : entry.standing;
  }

  /** Standing and executions used this period, read now (the billing page, limit refusals). */
  async current(agencyId: string): Promise<{ standing: Standing; executions: number }> {
    this.entries.delete(agencyId);
    const entry = await this.load(agencyId);
    return { standing: entry.standing, executions: this.used(agencyId, entry) };
  }

  /** After a plan change: the next check reads it again. */
  forget(agencyId: string): void {
    this.entries.delete(agencyId);
  }
}
