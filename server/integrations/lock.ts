import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import { encoder } from '../db/raw.js';

/**
 * How long a lock holds without being released. Longer than anything done under it may take (an OAuth
 * refresh is one HTTP call with its own, shorter timeout), so a lock only lapses when its holder died.
 */
export const LOCK_TTL_MS = 60_000;
/** What a caller waits for a lock before giving up: a little over one lapse of a dead holder's lock. */
const WAIT_LIMIT_MS = LOCK_TTL_MS + 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class LockTimeoutError extends Error {
  constructor(integrationId: string) {
    super(`Another process has held the lock on integration ${integrationId} for over ${WAIT_LIMIT_MS / 1000} s.`);
    this.name = 'LockTimeoutError';
  }
}

/**
 * A lock per integration, shared by every process on the database (the `integration_locks` row of
 * migration 0009): one statement takes it when nobody holds it or its holder's time ran out, on SQLite and
 * PostgreSQL alike, and nothing else is held while the work runs (no transaction stays open across an
 * HTTP call, which on SQLite would stop every other write).
 */
export class IntegrationLocks {
  constructor(private readonly sequelize: Sequelize) {}

  /** Runs `work` while this caller alone holds the integration's lock; waits its turn otherwise. */
  async with<T>(integrationId: string, work: (owner: string) => Promise<T>): Promise<T> {
    const owner = `${process.pid}:${randomUUID()}`;
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (let wait = 20; !(await this.take(integrationId, owner)); wait = Math.min(wait * 2, 250)) {
      if (Date.now() > deadline) throw new LockTimeoutError(integrationId);
      await sleep(wait + Math.random() * wait);
    }
    try {
      return await work(owner);
    } finally {
      await this.release(integrationId, owner);
    }
  }

  /** Whether `owner` still holds the lock (its time did not run out and nobody took it over). */
  async holds(integrationId: string, owner: string): Promise<boolean> {
    const encode = encoder(this.sequelize);
    const rows = await this.sequelize.query(`SELECT 1 FROM "integration_locks" WHERE "integrationId" = $1 AND "owner" = $2 AND "expiresAt" > $3`, {
      bind: [integrationId, owner, encode(new Date(), 'date')],
      type: QueryTypes.SELECT,
    });
    return rows.length > 0;
  }

  /** One upsert takes a free or lapsed lock; whoever's name is on the row afterwards holds it. */
  private async take(integrationId: string, owner: string): Promise<boolean> {
    const encode = encoder(this.sequelize);
    const now = new Date();
    // No RETURNING: Sequelize's SQLite driver runs an INSERT without reading rows back.
    await this.sequelize.query(
      `INSERT INTO "integration_locks" ("integrationId", "owner", "expiresAt") VALUES ($1, $2, $3)
       ON CONFLICT ("integrationId") DO UPDATE SET "owner" = excluded."owner", "expiresAt" = excluded."expiresAt"
       WHERE "integration_locks"."expiresAt" < $4`,
      { bind: [integrationId, owner, encode(new Date(now.getTime() + LOCK_TTL_MS), 'date'), encode(now, 'date')], type: QueryTypes.RAW },
    );
    const rows = await this.sequelize.query<{ owner: string }>(`SELECT "owner" FROM "integration_locks" WHERE "integrationId" = $1`, { bind: [integrationId], type: QueryTypes.SELECT });
    return rows[0]?.owner === owner;
  }

  private async release(integrationId: string, owner: string): Promise<void> {
    await this.sequelize.query(`DELETE FROM "integration_locks" WHERE "integrationId" = $1 AND "owner" = $2`, { bind: [integrationId, owner], type: QueryTypes.DELETE });
  }
}
