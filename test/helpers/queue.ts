import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import { startWorker } from '../../server/worker.js';
import type { DatabaseKind } from './databases.js';
import { startServer, type TestServer } from './server.js';

/** Queue-mode suites use database 3 of the test Redis only, and flush it before they start. */
export const QUEUE_REDIS_URL = (() => {
  const url = new URL(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');
  url.pathname = '/3';
  return url.toString();
})();

export type TestWorker = Awaited<ReturnType<typeof startWorker>>;

export interface QueueDeployment {
  /** The web process: it accepts work and enqueues it, and runs nothing itself. */
  server: TestServer;
  workers: TestWorker[];
  /** Starts one more worker (`npm run worker` on another machine). */
  addWorker(): Promise<TestWorker>;
  /** Starts workers until at least `count` run. */
  ensureWorkers(count: number): Promise<void>;
  /** Executions waiting in the BullMQ queue, as `/metrics` reports them. */
  queueDepth(): Promise<number>;
  close(): Promise<void>;
}

export async function flushQueueRedis(): Promise<void> {
  const redis = new Redis(QUEUE_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/**
 * A worker's config: the same storage, Redis and encryption key as the web process it serves; `env` adds
 * what else the installation sets (the billing variables, for one).
 */
export function workerConfig(web: Config, env: Record<string, string> = {}): Config {
  return loadConfig({
    ...env,
    DATA_DIR: web.dataDir,
    ...(web.databaseUrl ? { DATABASE_URL: web.databaseUrl } : {}),
    REDIS_URL: web.redisUrl!,
    EXECUTION_MODE: 'queue',
    ENCRYPTION_KEY: web.encryptionKey.toString('hex'),
    LOG_LEVEL: web.logLevel,
    // Workers side by side in one test process: each serves /health and /metrics on a free port.
    WORKER_PORT: '0',
  });
}

/** Starts a worker in this process, its logs going to the web server's log list. */
export function startTestWorker(server: TestServer, env: Record<string, string> = {}): Promise<TestWorker> {
  const sink = new Writable({
    write(chunk, _enc, done) {
      server.logs.push(String(chunk));
      done();
    },
  });
  const config = workerConfig(server.app.config, env);
  return startWorker(config, { logger: createLogger(config.logLevel, sink) });
}

/** `npm start` plus `npm run worker` × n, in queue mode on a freshly flushed Redis database; `env` is given to every process. */
export async function startQueueDeployment(kind: DatabaseKind, workerCount: number, env: Record<string, string> = {}): Promise<QueueDeployment> {
  await flushQueueRedis();
  const server = await startServer(kind, { ...env, EXECUTION_MODE: 'queue', REDIS_URL: QUEUE_REDIS_URL });
  const workers: TestWorker[] = [];
  const deployment: QueueDeployment = {
    server,
    workers,
    async addWorker() {
      const worker = await startTestWorker(server, env);
      workers.push(worker);
      return worker;
    },
    async ensureWorkers(count) {
      while (workers.length < count) await deployment.addWorker();
    },
    async queueDepth() {
      const metrics = await server.request('GET', '/metrics');
      const depth = /^switchboard_queue_depth (\d+)$/m.exec(metrics.text);
      if (!depth) throw new Error(`no switchboard_queue_depth in /metrics:\n${metrics.text}`);
      return Number(depth[1]);
    },
    async close() {
      // Workers first, so nothing is mid-run when the web process drops the database.
      await Promise.all(workers.map((w) => w.close()));
      await server.close();
    },
  };
  try {
    await deployment.ensureWorkers(workerCount);
  } catch (err) {
    await deployment.close();
    throw err;
  }
  return deployment;
}
