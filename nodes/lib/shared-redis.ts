import type { Redis } from 'ioredis';

/**
 * The Redis connection of this process in queue mode, for node helpers whose state must hold across
 * workers (a service's rate limit). Set when the runtime starts and cleared when it closes; inline
 * processes leave it unset and such helpers keep their state in memory.
 */
let current: Redis | undefined;

export function setSharedRedis(redis: Redis | undefined): void {
  current = redis;
}

export function sharedRedis(): Redis | undefined {
  return current;
}

/** Clears it when this process's runtime closes (only if it is still the one set). */
export function releaseSharedRedis(redis: Redis): void {
  if (current === redis) current = undefined;
}
