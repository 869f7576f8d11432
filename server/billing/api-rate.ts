import type { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import { DatabaseAttemptCounter, RedisAttemptCounter, type AttemptCounter } from '../auth/attempt-counters.js';
import type { Principal } from '../auth/principal.js';
import { tooManyRequests } from '../lib/errors.js';
import type { Allowances } from './allowances.js';
import { planOf, PLANS } from './plans.js';

export const API_WINDOW_MS = 15 * 60_000;

/**
 * The plan's API rate: requests per agency per 15 minutes, counted where every process sees them (the
 * database's shared counters, or Redis in queue mode: the login limiter's stores), so more processes
 * do not multiply the allowance. The plan is read from the cached standing: no extra query for it.
 */
export class ApiRateLimiter {
  private readonly counter: AttemptCounter;

  constructor(
    sequelize: Sequelize,
    redis: Redis | undefined,
    private readonly allowances: Allowances,
  ) {
    this.counter = redis ? new RedisAttemptCounter(redis, API_WINDOW_MS) : new DatabaseAttemptCounter(sequelize, API_WINDOW_MS);
  }

  async take(principal: Principal): Promise<void> {
    const [standing, window] = await Promise.all([this.allowances.standing(principal.agencyId), this.counter.hit(`api:${principal.agencyId}`)]);
    const max = standing.limits.apiRequestsPer15Minutes;
    if (window.count <= max) return;
    const next = PLANS.find((p) => p.limits.apiRequestsPer15Minutes > max);
    const way = next ? ` or upgrade to ${next.name} (${next.limits.apiRequestsPer15Minutes})` : '';
    throw tooManyRequests(
      `Your ${planOf(standing.limitsPlan).name} plan allows ${max} API requests per 15 minutes for the whole agency. Wait ${Math.ceil(window.msLeft / 1000)} seconds${way}.`,
      window.msLeft / 1000,
      'rate_limited',
    );
  }
}
