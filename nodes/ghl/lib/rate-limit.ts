import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RetryableError } from '../../contract.js';
import { sharedRedis } from '../../lib/shared-redis.js';
import type { HeaderReader } from './errors.js';

/** A location's request budget: `max` calls per `intervalMs` (GoHighLevel's default is 100 per 10 s). */
export interface GhlLimits {
  max: number;
  intervalMs: number;
}

export const DEFAULT_LIMITS: GhlLimits = { max: 100, intervalMs: 10_000 };

/** A step waits this long at most for a free slot; past it the engine retries the step later. */
const MAX_WAIT_MS = 10_000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
  });

/**
 * One budget per location, shared by every call this process (inline) or every worker (Redis) makes.
 * It starts from GoHighLevel's default and follows the `X-RateLimit-*` headers of each answer: a location
 * given another budget gets it, and an answer that says none is left pauses the location for one interval.
 */
export class GhlRateLimiter {
  private readonly learned = new Map<string, GhlLimits>();
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(readonly redis?: Redis) {}

  private limiter(limits: GhlLimits): RateLimiterAbstract {
    const name = `${limits.max}/${limits.intervalMs}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const options = { keyPrefix: `ghl-rate:${name}`, points: limits.max, duration: Math.max(1, Math.ceil(limits.intervalMs / 1000)) };
      // Redis trouble must not stop every GoHighLevel call: each process then counts on its own.
      limiter = this.redis ? new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: new RateLimiterMemory(options) }) : new RateLimiterMemory(options);
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  limitsOf(location: string): GhlLimits {
    return this.learned.get(location) ?? DEFAULT_LIMITS;
  }

  /** Takes one call from the location's budget, waiting for the next window when it is spent. */
  async take(location: string, signal: AbortSignal): Promise<void> {
    let waited = 0;
    for (;;) {
      try {
        await this.limiter(this.limitsOf(location)).consume(location, 1);
        return;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        const wait = Math.max(50, err.msBeforeNext);
        if (waited + wait > MAX_WAIT_MS) {
          throw new RetryableError(`GoHighLevel's rate limit for location ${location} is used up for now; trying again later.`, 'ghl_rate_limited', wait);
        }
        await sleep(wait, signal);
        waited += wait;
      }
    }
  }

  /** Reads the budget GoHighLevel reports; pauses the location when it says nothing is left. */
  async observe(location: string, headers: HeaderReader): Promise<void> {
    const max = Number(headers.get('x-ratelimit-max'));
    const intervalMs = Number(headers.get('x-ratelimit-interval-milliseconds'));
    const remaining = Number(headers.get('x-ratelimit-remaining') ?? NaN);
    const known = this.limitsOf(location);
    if (max > 0 && intervalMs > 0 && (known.max !== max || known.intervalMs !== intervalMs)) {
      this.learned.set(location, { max, intervalMs });
      // A new budget starts from what GoHighLevel says is used, not from zero.
      const used = max - remaining;
      if (used > 0 && used < max) await this.limiter({ max, intervalMs }).set(location, used, Math.max(1, Math.ceil(intervalMs / 1000)));
    }
    if (remaining === 0) await this.pause(location, this.limitsOf(location).intervalMs);
  }

  /** No calls for this location until `ms` have passed (after a 429, or an answer with nothing left). */
  async pause(location: string, ms: number): Promise<void> {
    await this.limiter(this.limitsOf(location)).block(location, Math.max(1, Math.ceil(ms / 1000)));
  }
}

let memory: GhlRateLimiter | undefined;
let shared: GhlRateLimiter | undefined;

/** The limiter for this process: Redis-backed in queue mode (shared by workers), in memory inline. */
export function ghlRateLimiter(): GhlRateLimiter {
  const redis = sharedRedis();
  if (!redis) return (memory ??= new GhlRateLimiter());
  if (shared?.redis !== redis) shared = new GhlRateLimiter(redis);
  return shared;
}
