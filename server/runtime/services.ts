import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { releaseSharedRedis, setSharedRedis } from '../../nodes/lib/shared-redis.js';
import type { NodeRegistry } from '../../nodes/registry.js';
import type { Config } from '../config.js';
import type { Models } from '../db/models/index.js';
import { bridgeBus } from '../realtime/redis-bridge.js';
import { HELD_INPUT_BYTES, InlineDispatcher, QueueDispatcher, redisConnection, startQueueWorker, type Dispatcher } from './dispatch.js';
import { EventBus } from './events.js';
import { Runtime } from './runtime.js';
import { Sandbox } from './sandbox/sandbox.js';
import { Scheduler } from './scheduler.js';
import type { StepObserver } from './step-runner.js';

/** `web` accepts work; `worker` runs it (queue mode); `all` does both in one process (inline mode). */
export type ProcessRole = 'web' | 'worker';

export interface RuntimeServices {
  bus: EventBus;
  runtime: Runtime;
  dispatcher: Dispatcher;
  redis?: Redis;
  close(): Promise<void>;
}

export interface RuntimeTuning {
  leaseMs?: number;
  sweepMs?: number;
  scheduleMs?: number;
}

/**
 * Builds the engine for one process. Inline mode: this process queues, runs, sweeps and schedules.
 * Queue mode: web processes only enqueue on BullMQ; workers run, sweep and schedule.
 */
export async function startRuntime(
  config: Config,
  deps: { models: Models; registry: NodeRegistry; logger: Logger; observeStep?: StepObserver },
  role: ProcessRole,
  tuning: RuntimeTuning = {},
): Promise<RuntimeServices> {
  const bus = new EventBus();
  const sandbox = new Sandbox(config.sandbox, deps.logger);
  const leaseMs = tuning.leaseMs ?? config.leaseMs;
  const runtime = new Runtime({ ...deps, bus, sandbox, leaseMs, maxBacklog: config.maxBacklog, sweepMs: tuning.sweepMs, allowPrivateNetwork: config.allowPrivateNetwork, encryptionKey: config.encryptionKey, retentionDays: config.executionRetentionDays, retentionMinutes: config.executionRetentionMinutes });
  const closers: (() => Promise<void>)[] = [];
  let dispatcher: Dispatcher;
  let redis: Redis | undefined;
  const runs = config.executionMode === 'inline' || role === 'worker';

  if (config.executionMode === 'queue') {
    redis = redisConnection(config.redisUrl!);
    // Node helpers whose state must hold across workers (GoHighLevel's per-location rate limit) use it.
    setSharedRedis(redis);
    const subscriber = redisConnection(config.redisUrl!);
    const unbridge = await bridgeBus(bus, redis, subscriber, deps.logger);
    dispatcher = new QueueDispatcher(redis, deps.logger);
    let worker: Worker | undefined;
    // BullMQ does not close a connection it was given: this process does, once the worker has stopped.
    const workerConnection = role === 'worker' ? redisConnection(config.redisUrl!) : undefined;
    if (workerConnection) worker = startQueueWorker(workerConnection, (id, fresh) => runtime.executor.run(id, fresh), config.concurrency);
    closers.push(async () => {
      await worker?.close();
      workerConnection?.disconnect();
      await dispatcher.close();
      await unbridge();
      subscriber.disconnect();
      releaseSharedRedis(redis!);
      redis!.disconnect();
    });
  } else {
    const limits = { concurrency: config.concurrency, backlog: config.inlineBacklog, bytes: HELD_INPUT_BYTES };
    dispatcher = new InlineDispatcher((id, fresh) => runtime.executor.run(id, fresh), limits, runtime.store, deps.logger, leaseMs);
    closers.push(() => dispatcher.close());
  }
  runtime.setDispatcher(dispatcher);

  if (runs) {
    sandbox.warm();
    const scheduler = new Scheduler(deps.models, runtime, deps.logger, tuning.scheduleMs);
    runtime.startSweeper();
    scheduler.start();
    // Timers stop first, and a tick in flight is awaited: nothing dispatches on a closed queue or database.
    closers.unshift(async () => {
      await Promise.all([scheduler.stop(), runtime.stopSweeper()]);
    });
  }

  return {
    bus,
    runtime,
    dispatcher,
    redis,
    async close() {
      for (const close of closers) await close();
      await sandbox.close();
    },
  };
}
