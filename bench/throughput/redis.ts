import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME } from '../../server/runtime/dispatch.js';

/**
 * Queue-mode configurations use a Redis database of their own (number 5), so flushing it between
 * configurations cannot touch anything else on the server.
 */
export const BENCH_REDIS_DB = 5;
export const BENCH_REDIS_URL = `redis://127.0.0.1:6379/${BENCH_REDIS_DB}`;

async function withRedis<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/** FLUSHDB on the benchmark's own database number only. */
export async function flushBenchDb(): Promise<void> {
  await withRedis(async (redis) => {
    if (redis.options.db !== BENCH_REDIS_DB) throw new Error('refusing to flush: not the benchmark Redis database');
    await redis.flushdb();
  });
}

export async function redisVersion(): Promise<string> {
  try {
    return await withRedis(async (redis) => (await redis.info('server')).match(/redis_version:(\S+)/)?.[1] ?? 'unknown');
  } catch {
    return 'unreachable';
  }
}

/** Waits until `count` BullMQ workers are connected to the executions queue. */
export async function waitForWorkers(count: number, timeoutMs = 60_000): Promise<void> {
  const connection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    const deadline = Date.now() + timeoutMs;
    while ((await queue.getWorkersCount()) < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} queue workers connected after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
