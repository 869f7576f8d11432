import type { Logger } from 'pino';
import { ForeignKeyConstraintError, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { dayOf } from './clock.js';

const FLUSH_MS = 1000;

/** Adds executions to an agency's day, in one statement for many rows (both dialects upsert). */
export async function addUsage(sequelize: Sequelize, rows: { agencyId: string; day: string; executions: number }[], transaction?: Transaction): Promise<void> {
  if (!rows.length) return;
  const bind: unknown[] = [];
  const values = rows.map((r) => `($${bind.push(r.agencyId)}, $${bind.push(r.day)}, $${bind.push(r.executions)})`).join(', ');
  await sequelize.query(
    `INSERT INTO "usage_days" ("agencyId", "day", "executions") VALUES ${values} ` +
      `ON CONFLICT ("agencyId", "day") DO UPDATE SET "executions" = "usage_days"."executions" + excluded."executions"`,
    { bind, transaction, type: QueryTypes.UPDATE },
  );
}

/**
 * Executions started, counted in memory as they are admitted and written once a second in one upsert,
 * so the hot path never waits on the database. Every process writes its own counts; the sums in
 * `usage_days` are what all of them started. `counted` and `flushed` only grow: a cached allowance reads
 * what this process counted since it last read the database from their difference.
 */
export class UsageMeter {
  private pending = new Map<string, number>();
  private readonly counted = new Map<string, number>();
  private readonly flushed = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  add(agencyId: string, executions = 1): void {
    const key = `${agencyId}|${dayOf(this.now())}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + executions);
    this.counted.set(agencyId, (this.counted.get(agencyId) ?? 0) + executions);
  }

  countedBy(agencyId: string): number {
    return this.counted.get(agencyId) ?? 0;
  }

  flushedBy(agencyId: string): number {
    return this.flushed.get(agencyId) ?? 0;
  }

  /** Runs `work` between flushes, so a read of the sums and of `flushedBy` see the same writes. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.chain.then(work);
    this.chain = result.then(() => undefined, () => undefined);
    return result;
  }

  flush(): Promise<void> {
    return this.exclusive(() => this.write());
  }

  private async write(): Promise<void> {
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch].map(([key, executions]) => {
      const [agencyId, day] = key.split('|');
      return { agencyId, day, executions };
    });
    let written = rows;
    try {
      await addUsage(this.sequelize, rows);
    } catch {
      // One row can fail the batch (its agency was deleted meanwhile): write them one by one. Such rows are
      // dropped; rows that failed otherwise (the database is away) are counted again at the next flush.
      written = [];
      for (const row of rows) {
        try {
          await addUsage(this.sequelize, [row]);
          written.push(row);
        } catch (err) {
          if (err instanceof ForeignKeyConstraintError) continue;
          this.logger.warn({ err, agencyId: row.agencyId }, 'could not write usage counts; trying again shortly');
          const key = `${row.agencyId}|${row.day}`;
          this.pending.set(key, (this.pending.get(key) ?? 0) + row.executions);
        }
      }
    }
    for (const row of written) this.flushed.set(row.agencyId, (this.flushed.get(row.agencyId) ?? 0) + row.executions);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
