import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ExecutionData } from '../db/models/runtime.js';

/** Where executions go to be run: in this process (inline) or to BullMQ workers (queue). */
export interface Dispatcher {
  /** `fresh`: the execution as this process just created it; an inline run uses it instead of reading it back. */
  enqueue(executionId: string, fresh?: ExecutionData): Promise<void>;
  /** Whether executions dispatched here run in this process. */
  readonly runsHere: boolean;
  /** Whether this dispatcher holds as much work in memory as it may; further work waits in the database. */
  readonly saturated: boolean;
  /** Executions waiting for a slot, for /metrics and /health. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Inline mode: the database row is the queue (a crash loses nothing: recovery finds queued rows);
 * this in-memory list only orders the work this process already knows about, under a concurrency cap.
 */
export class InlineDispatcher implements Dispatcher {
  readonly runsHere = true;
  private readonly waiting: string[] = [];
  private readonly known = new Map<string, ExecutionData | undefined>();
  private active = 0;
  private closed = false;

  constructor(
    private readonly run: (executionId: string, fresh?: ExecutionData) => Promise<void>,
    private readonly concurrency: number,
    private readonly logger: Logger,
    private readonly maxBacklog: number,
  ) {}

  get saturated(): boolean {
    return this.waiting.length >= this.maxBacklog;
  }

  /**
   * Past the backlog cap nothing more is held in memory: the execution is already stored as queued, and
   * the recovery sweep hands it over once there is room. Memory stays bounded under any flood.
   */
  async enqueue(executionId: string, fresh?: ExecutionData): Promise<void> {
    if (this.closed || this.known.has(executionId) || this.saturated) return;
    this.known.set(executionId, fresh);
    this.waiting.push(executionId);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.active < this.concurrency && this.waiting.length) {
      const id = this.waiting.shift()!;
      this.active++;
      this.run(id, this.known.get(id))
        .catch((err: unknown) => this.logger.error({ err, executionId: id }, 'execution run failed'))
        .finally(() => {
          this.active--;
          this.known.delete(id);
          this.pump();
        });
    }
  }

  async depth(): Promise<number> {
    return this.waiting.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    while (this.active > 0) await new Promise((r) => setTimeout(r, 20));
  }
}

export const QUEUE_NAME = 'switchboard-executions';

export function redisConnection(url: string): Redis {
  // BullMQ needs maxRetriesPerRequest null on connections its workers block on.
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/** Queue mode, producing side: the web process puts execution ids on BullMQ. */
interface JobData {
  executionId: string;
  /** Just created, so the worker need not look for steps. */
  fresh: boolean;
}

export class QueueDispatcher implements Dispatcher {
  readonly runsHere = false;
  readonly saturated = false;
  private readonly queue: Queue;
  private pending: { data: JobData; done: { resolve(): void; reject(err: unknown): void } }[] = [];

  constructor(connection: Redis) {
    this.queue = new Queue(QUEUE_NAME, { connection });
  }

  /** Jobs enqueued in the same tick go to Redis in one round trip. */
  enqueue(executionId: string, fresh?: ExecutionData): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.pending.length) setImmediate(() => void this.flush());
      this.pending.push({ data: { executionId, fresh: !!fresh }, done: { resolve, reject } });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    try {
      // jobId = execution id: re-dispatching an execution whose job is still queued or active is a no-op.
      await this.queue.addBulk(
        batch.map(({ data }) => ({ name: 'run', data, opts: { jobId: data.executionId, removeOnComplete: true, removeOnFail: true } })),
      );
      for (const { done } of batch) done.resolve();
    } catch (err) {
      for (const { done } of batch) done.reject(err);
    }
  }

  async depth(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Queue mode, consuming side: `npm run worker` processes run executions from BullMQ. */
export function startQueueWorker(connection: Redis, run: (executionId: string, fresh?: 'new') => Promise<void>, concurrency: number): Worker {
  return new Worker<JobData>(QUEUE_NAME, async (job) => run(String(job.data.executionId), job.data.fresh ? 'new' : undefined), { connection, concurrency });
}
