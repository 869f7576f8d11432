import type { Logger } from 'pino';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Models } from '../db/models/index.js';
import { encoder, updateReturningIds } from '../db/raw.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Allowances } from './allowances.js';
import { storedExecutions } from './allowances.js';
import { dayOf } from './clock.js';
import type { BillingClock } from './clock.js';
import type { BillingAccounts } from './accounts.js';
import { standingOf } from './standing.js';
import { addUsage, type UsageMeter } from './usage-meter.js';

/**
 * The lease owner that marks an execution held back by its plan's monthly limit. A held execution is
 * `waiting` with no `resumeAt` and this owner: nothing in the engine claims, sweeps or pulls it (claims
 * and sweeps take waiting executions only once `resumeAt` is due), cancelling it works as for any
 * waiting one, and retention never deletes it (it is not final).
 */
export const HELD_OWNER = 'plan-limit';
export const RELEASE_EVERY_MS = 2000;
const RELEASE_BATCH = 500;

/** Held executions: stored in full, started in arrival order once the agency's limit allows. */
export class HeldExecutions {
  private timer?: NodeJS.Timeout;
  private releasing?: Promise<void>;
  private again = false;

  constructor(
    private readonly deps: {
      models: Models;
      accounts: BillingAccounts;
      allowances: Allowances;
      meter: UsageMeter;
      clock: BillingClock;
      graceDays: number;
      runtime: Runtime;
      logger: Logger;
    },
  ) {}

  private get sequelize() {
    return this.deps.models.Execution.sequelize!;
  }

  /** Turns an execution just created as queued (in `transaction`) into a held one. */
  async hold(executionId: string, transaction: Transaction): Promise<void> {
    await this.sequelize.query(
      `UPDATE "executions" SET "status" = 'waiting', "leaseOwner" = '${HELD_OWNER}', "leaseExpiresAt" = NULL, "resumeAt" = NULL WHERE "id" = $1 AND "status" = 'queued'`,
      { bind: [executionId], transaction, type: QueryTypes.UPDATE },
    );
  }

  /** How many executions of the agency are held. */
  async count(agencyId: string): Promise<number> {
    const rows = await this.sequelize.query<{ n: unknown }>(
      `SELECT COUNT(*) AS "n" FROM "executions" WHERE "status" = 'waiting' AND "leaseOwner" = '${HELD_OWNER}'
         AND "subaccountId" IN (SELECT "id" FROM "subaccounts" WHERE "agencyId" = $1)`,
      { bind: [agencyId], type: QueryTypes.SELECT },
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Releases what the limits now allow; a call while one runs makes it run once more after. */
  release(): Promise<void> {
    if (this.releasing) {
      this.again = true;
      return this.releasing;
    }
    this.releasing = (async () => {
      do {
        this.again = false;
        await this.releaseAll().catch((err: unknown) => this.deps.logger.error({ err }, 'could not release executions held by plan limits; trying again shortly'));
      } while (this.again);
    })().finally(() => (this.releasing = undefined));
    return this.releasing;
  }

  private async releaseAll(): Promise<void> {
    const agencies = await this.sequelize.query<{ agencyId: string }>(
      `SELECT DISTINCT "s"."agencyId" AS "agencyId" FROM "executions" "e" JOIN "subaccounts" "s" ON "s"."id" = "e"."subaccountId"
         WHERE "e"."status" = 'waiting' AND "e"."leaseOwner" = '${HELD_OWNER}'`,
      { type: QueryTypes.SELECT },
    );
    for (const { agencyId } of agencies) {
      let released: string[];
      do {
        released = await this.releaseFor(agencyId);
        for (const id of released) await this.deps.runtime.dispatch(id);
      } while (released.length === RELEASE_BATCH);
    }
  }

  /**
   * In one transaction holding the agency's billing row (so processes releasing at once do not both
   * spend the same room): reads the period's count afresh, marks as many held executions queued as the
   * limit has room for (oldest first) and counts them. Dispatching them is the caller's, after commit.
   */
  private async releaseFor(agencyId: string): Promise<string[]> {
    const { models, accounts, clock, graceDays, allowances } = this.deps;
    await accounts.get(agencyId);
    const ids = await this.sequelize.transaction(async (transaction) => {
      const account = await models.BillingAccount.findByPk(agencyId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!account) return [];
      const now = clock.now();
      const standing = standingOf(account, now, graceDays);
      const max = standing.limits.executionsPerMonth;
      // What every process flushed, plus what this one counted and has not flushed yet.
      const used = (await storedExecutions(models, standing, transaction)) + this.deps.meter.countedBy(agencyId) - this.deps.meter.flushedBy(agencyId);
      const room = max === null ? RELEASE_BATCH : Math.min(RELEASE_BATCH, max - used);
      if (room <= 0) return [];
      const encode = encoder(this.sequelize);
      const released = await updateReturningIds(
        this.sequelize,
        `UPDATE "executions" SET "status" = 'queued', "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = $1
           WHERE "id" IN (SELECT "id" FROM "executions" WHERE "status" = 'waiting' AND "leaseOwner" = '${HELD_OWNER}'
             AND "subaccountId" IN (SELECT "id" FROM "subaccounts" WHERE "agencyId" = $2) ORDER BY "id" LIMIT $3)
           AND "status" = 'waiting' AND "leaseOwner" = '${HELD_OWNER}'`,
        [encode(new Date(), 'date'), agencyId, room],
        transaction,
      );
      if (released.length) await addUsage(this.sequelize, [{ agencyId, day: dayOf(now), executions: released.length }], transaction);
      return released;
    });
    if (ids.length) {
      allowances.forget(agencyId);
      this.deps.logger.info({ agencyId, released: ids.length }, 'started executions held by the plan limit');
    }
    return ids;
  }

  start(): void {
    this.timer = setInterval(() => void this.release(), RELEASE_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.releasing;
  }
}
