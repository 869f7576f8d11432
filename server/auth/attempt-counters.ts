import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { QueryTypes, type Sequelize } from 'sequelize';

/** One key's count in its current fixed window, and how long until that window closes. */
export interface AttemptWindow {
  count: number;
  msLeft: number;
}

/**
 * Counts attempts per key in fixed windows, where every process of the installation sees the same
 * count: `hit` adds one atomically and answers the new count, so parallel requests cannot all read the
 * same old one.
 */
export interface AttemptCounter {
  hit(key: string): Promise<AttemptWindow>;
  /** Takes back one attempt counted in the window that is still open (none once it has closed). */
  refund(key: string): Promise<void>;
}

const TABLE = '"login_attempts"';
const PRUNE_EVERY_MS = 60_000;

/**
 * The database as the shared store (SQLite or PostgreSQL): one upsert per hit, which both dialects run
 * atomically (`INSERT … ON CONFLICT DO UPDATE … RETURNING`). Keys are stored hashed by the caller.
 * Expired rows are pruned at most once a minute per process, on the way.
 */
export class DatabaseAttemptCounter implements AttemptCounter {
  private prunedAt = 0;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly windowMs: number,
  ) {}

  async hit(key: string): Promise<AttemptWindow> {
    const now = Date.now();
    // The leading comment keeps Sequelize's SQLite driver from treating this as a plain insert that
    // returns no rows (it decides by the statement's first words).
    const sql =
      `/* count attempt */ INSERT INTO ${TABLE} ("key", "count", "resetAt") VALUES ($1, 1, $2) ` +
      `ON CONFLICT ("key") DO UPDATE SET ` +
      `"count" = CASE WHEN ${TABLE}."resetAt" <= $3 THEN 1 ELSE ${TABLE}."count" + 1 END, ` +
      `"resetAt" = CASE WHEN ${TABLE}."resetAt" <= $3 THEN $2 ELSE ${TABLE}."resetAt" END ` +
      `RETURNING "count", "resetAt"`;
    const [row] = await this.sequelize.query<{ count: number | string; resetAt: number | string }>(sql, {
      bind: [key, now + this.windowMs, now],
      type: QueryTypes.SELECT,
    });
    if (now - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = now;
      void this.sequelize.query(`DELETE FROM ${TABLE} WHERE "resetAt" <= $1`, { bind: [now], type: QueryTypes.DELETE }).catch(() => undefined);
    }
    // PostgreSQL answers BIGINT as a string. A window opened by a request that read the clock a moment
    // later than this one would look longer than a window: clamp.
    return { count: Number(row.count), msLeft: Math.min(this.windowMs, Math.max(0, Number(row.resetAt) - now)) };
  }

  async refund(key: string): Promise<void> {
    await this.sequelize.query(`UPDATE ${TABLE} SET "count" = "count" - 1 WHERE "key" = $1 AND "count" > 0 AND "resetAt" > $2`, {
      bind: [key, Date.now()],
      type: QueryTypes.UPDATE,
    });
  }
}

/** Decrements a count that is still positive and still in its window (a refund never opens a window). */
const REFUND_SCRIPT = `if redis.call('pttl', KEYS[1]) > 0 and tonumber(redis.call('get', KEYS[1]) or '0') > 0 then return redis.call('decr', KEYS[1]) end return 0`;

/** Redis as the shared store (queue mode), through rate-limiter-flexible's atomic Lua increment. */
export class RedisAttemptCounter implements AttemptCounter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    windowMs: number,
  ) {
    // `points` only decides when consume() rejects; the caller compares counts itself, so either outcome is a count.
    this.limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'switchboard:login', points: 1, duration: Math.ceil(windowMs / 1000) });
  }

  async hit(key: string): Promise<AttemptWindow> {
    const res = await this.limiter.consume(key, 1).catch((err: unknown) => {
      if (err instanceof RateLimiterRes) return err;
      throw err;
    });
    return { count: res.consumedPoints, msLeft: res.msBeforeNext };
  }

  async refund(key: string): Promise<void> {
    await this.redis.eval(REFUND_SCRIPT, 1, this.limiter.getKey(key));
  }
}
