import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import { tooManyRequests } from '../lib/errors.js';
import { DatabaseAttemptCounter, RedisAttemptCounter, type AttemptCounter } from './attempt-counters.js';

export interface LoginLimits {
  /** Password checks per email address per window. */
  perEmail: number;
  /** Password checks per client address per window. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perEmail: 10, perAddress: 100, windowMs: 15 * 60_000 };

/** A sign-in attempt that was let through to the password check. */
export interface LoginAttempt {
  /** The password was right: this attempt does not count against anyone. */
  succeeded(): Promise<void>;
}

/** Keys are hashed: the store holds neither emails nor addresses, and every key has one length. */
const key = (kind: string, value: string) => createHash('sha256').update(`${kind}:${value}`).digest('hex');

/** One client: an IPv4 address, or an IPv6 /64 (one subscriber's network), so rotating addresses inside it buys nothing. */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Limits password checks per email and per client address. A point is taken before the password is
 * checked, so parallel guesses cannot all slip under the limit, and given back when the password was
 * right (or when the attempt is refused without a check), so the counts are the wrong guesses made.
 * The counts live where every process sees them: the database, or Redis in queue mode.
 * The email must already be normalised (`normalizeEmail`).
 */
export class LoginLimiter {
  constructor(
    private readonly counter: AttemptCounter,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  async begin(email: string, ip: string): Promise<LoginAttempt> {
    const keys = [key('email', email), key('address', addressKey(ip))];
    const caps = [this.limits.perEmail, this.limits.perAddress];
    const windows = await Promise.all(keys.map((k) => this.counter.hit(k)));
    const refundAll = async () => {
      await Promise.all(keys.map((k) => this.counter.refund(k)));
    };
    const over = windows.filter((w, i) => w.count > caps[i]);
    if (over.length) {
      await refundAll();
      const wait = Math.max(...over.map((w) => w.msLeft));
      throw tooManyRequests('Too many failed sign-in attempts. Wait and try again.', wait / 1000, 'too_many_attempts');
    }
    return { succeeded: refundAll };
  }
}

/** The limiter for an app: on Redis when the app has a connection (queue mode), else on the database. */
export function createLoginLimiter(sequelize: Sequelize, redis?: Redis, limits: LoginLimits = DEFAULT_LOGIN_LIMITS): LoginLimiter {
  const counter = redis ? new RedisAttemptCounter(redis, limits.windowMs) : new DatabaseAttemptCounter(sequelize, limits.windowMs);
  return new LoginLimiter(counter, limits);
}
