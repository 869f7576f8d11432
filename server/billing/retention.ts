import type { Logger } from 'pino';
import { Op, type WhereOptions } from 'sequelize';
import { deleteInBatches } from '../db/delete-in-batches.js';
import type { Models } from '../db/models/index.js';
import type { BillingAccountRow } from '../db/models/billing.js';
import { FINAL_STATUSES, type ExecutionStatus } from '../db/models/runtime.js';
import type { BillingClock } from './clock.js';
import { standingOf } from './standing.js';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/** Plans keep executions for days, so a pass every few minutes is on time; each pass reads every billing row once. */
export const RETENTION_EVERY_MS = 5 * MINUTE_MS;
/** Agencies pruned by one statement when they share a retention. */
const AGENCIES_PER_QUERY = 200;

/** An agency's rule for one pass: executions finished before `cutoff` go, except those a floor still keeps. */
interface Rule {
  agencyId: string;
  keepMinutes: number;
  floor: { minutes: number; before: Date } | null;
}

/**
 * Execution retention per plan: an agency's finished executions are kept for its plan's
 * `executionRetentionDays`, never longer than the server's own retention (EXECUTION_RETENTION_DAYS or
 * _MINUTES), which the runtime applies to everyone as before. A plan drop deletes nothing at once:
 * executions stored before it keep the longer retention they were stored under (a floor on the billing
 * row, noticed on the first pass after the drop), then age out. Held and other unfinished executions are
 * never deleted. Deletes go in small batches with pauses (SQLite has one writer).
 */
export class PlanRetention {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly deps: {
      models: Models;
      clock: BillingClock;
      graceDays: number;
      /** The server's retention, minutes; 0 keeps executions forever (then only plans prune). */
      serverMinutes: number;
      logger: Logger;
    },
  ) {}

  /** One pass over every agency billing knows; resolves with the executions deleted. */
  prune(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = this.deps.clock.now();
    const accounts = await this.deps.models.BillingAccount.findAll();
    const rules: Rule[] = [];
    for (const account of accounts) rules.push(await this.ruleFor(account, now));
    let removed = 0;
    // Agencies without a floor and with the same retention share their statements.
    const shared = new Map<number, string[]>();
    for (const rule of rules) {
      if (this.deps.serverMinutes && rule.keepMinutes >= this.deps.serverMinutes) continue; // the server's own pruning goes as far
      if (rule.floor) removed += await this.pruneAgencies([rule.agencyId], rule, now);
      else shared.set(rule.keepMinutes, [...(shared.get(rule.keepMinutes) ?? []), rule.agencyId]);
    }
    for (const [keepMinutes, agencyIds] of shared) {
      for (let i = 0; i < agencyIds.length; i += AGENCIES_PER_QUERY) {
        removed += await this.pruneAgencies(agencyIds.slice(i, i + AGENCIES_PER_QUERY), { agencyId: '', keepMinutes, floor: null }, now);
      }
    }
    if (removed) this.deps.logger.info({ removed }, 'pruned executions past their plan’s retention');
    return removed;
  }

  /** The agency's retention now, and the floor a drop left; a drop since the last pass sets a new floor. */
  private async ruleFor(account: BillingAccountRow, now: Date): Promise<Rule> {
    const { limits } = standingOf(account, now, this.deps.graceDays);
    const planMinutes = limits.executionRetentionDays * DAY_MINUTES;
    const keepMinutes = this.deps.serverMinutes ? Math.min(planMinutes, this.deps.serverMinutes) : planMinutes;
    const before = account.retentionFloorBefore;
    let floor =
      account.retentionFloorMinutes && before && account.retentionFloorMinutes > keepMinutes && before.getTime() + account.retentionFloorMinutes * MINUTE_MS > now.getTime()
        ? { minutes: account.retentionFloorMinutes, before }
        : null;
    const last = account.retentionMinutes;
    if (last !== null && last > keepMinutes) {
      // Dropped since the last pass: what is stored now keeps the longer retention (the longest of any floor still running).
      floor = { minutes: Math.max(last, floor?.minutes ?? 0), before: now };
    }
    const changed =
      last !== keepMinutes || (account.retentionFloorMinutes ?? null) !== (floor?.minutes ?? null) || (before?.getTime() ?? null) !== (floor?.before.getTime() ?? null);
    if (changed) {
      await this.deps.models.BillingAccount.update(
        { retentionMinutes: keepMinutes, retentionFloorMinutes: floor?.minutes ?? null, retentionFloorBefore: floor?.before ?? null },
        { where: { agencyId: account.agencyId } },
      );
    }
    return { agencyId: account.agencyId, keepMinutes, floor };
  }

  private async pruneAgencies(agencyIds: string[], rule: Rule, now: Date): Promise<number> {
    const { models } = this.deps;
    const sequelize = models.Execution.sequelize!;
    const cutoff = new Date(now.getTime() - rule.keepMinutes * MINUTE_MS);
    // Agency ids come from the billing rows, never from a request.
    const subaccounts = sequelize.literal(`(SELECT "id" FROM "subaccounts" WHERE "agencyId" IN (${agencyIds.map((id) => sequelize.escape(id)).join(', ')}))`);
    const where: WhereOptions = {
      subaccountId: { [Op.in]: subaccounts },
      status: { [Op.in]: FINAL_STATUSES as ExecutionStatus[] },
      finishedAt: { [Op.lt]: cutoff },
      ...(rule.floor
        ? { [Op.or]: [{ createdAt: { [Op.gte]: rule.floor.before } }, { finishedAt: { [Op.lt]: new Date(now.getTime() - rule.floor.minutes * MINUTE_MS) } }] }
        : {}),
    };
    // The inbox rows of these deliveries go with them (the runtime's own pruning keeps idempotency keys for a day; these are older).
    return deleteInBatches(models.Execution, where, (ids) => models.WebhookEvent.destroy({ where: { executionId: { [Op.in]: ids } } }));
  }

  start(): void {
    this.timer = setInterval(() => {
      this.prune().catch((err: unknown) => this.deps.logger.error({ err }, 'plan retention pass failed; trying again at the next'));
    }, RETENTION_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
