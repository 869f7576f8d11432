import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ExecutionData } from '../db/models/runtime.js';
import type { QueuedExecution } from './store.js';

/** Where executions go to be run: in this process (inline) or to BullMQ workers (queue). */
export interface Dispatcher {
  /** `fresh`: the execution as this process just created it; an inline run uses it instead of reading it back. */
  enqueue(executionId: string, fresh?: ExecutionData): Promise<void>;
  /**
   * Called before a new execution is stored: true when this process will hold it in memory and run it
   * itself (it is then stored reserved for this process), false when it is to wait in the database.
   * `bytes`: roughly what its input costs to hold.
   */
  reserve(executionId: string, bytes?: number): boolean;
  /** Executions accepted and not yet started, as last known (no query): what MAX_BACKLOG bounds. */
  backlog(): number;
  /** Inline only: the database may hold queued executions nobody holds; pull them as slots free up. */
  wake?(): void;
  /** Executions waiting for a slot, for /metrics and /health. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

/** Where an inline dispatcher finds the queued executions that wait in the database. */
export interface QueuedSource {
  /** Reserves for this process up to `limit` of the oldest queued executions nobody holds. */
  reserveQueued(limit: number): Promise<QueuedExecution[]>;
  /** Queued executions nobody holds. */
  countQueued(): Promise<number>;
}

export interface InlineLimits {
  concurrency: number;
  /** Executions held in memory waiting for a slot (INLINE_BACKLOG). */
  backlog: number;
  /** Input bytes held in memory by waiting and running executions, roughly. */
  bytes: number;
}

/** Input bytes an inline process holds for the executions in its memory before new ones wait in the database. */
export const HELD_INPUT_BYTES = 64 * 1024 * 1024;
/** How often, at most, the backlog waiting in the database is counted while there is one. */
const RECOUNT_MS = 1000;
const PULL_RETRY_MS = 1000;

interface Held {
  data?: ExecutionData;
  bytes: number;
}

/**
 * Inline mode: the database row is the queue (a crash loses nothing: recovery finds queued rows). In
 * memory, this process holds at most `limits.backlog` executions (and `limits.bytes` of their input)
 * waiting for one of its `concurrency` slots. Past that, new executions are stored unreserved and wait
 * in the database; while any wait there, new ones queue behind them (first in, first out), and whenever
 * the memory list runs low the dispatcher pulls the next batch of the oldest ones (one statement, claim-
 * safe across processes) until none are left. The sweeper only wakes it. Memory stays bounded under any
 * flood, nothing is lost, and no slot idles while work waits.
 */
export class InlineDispatcher implements Dispatcher {
  private readonly waiting: string[] = [];
  private readonly held = new Map<string, Held>();
  /** Reservations handed out and not yet enqueued (the request is storing them): id → lapse time, bytes. */
  private readonly promised = new Map<string, { until: number; bytes: number }>();
  private heldBytes = 0;
  private promisedBytes = 0;
  private active = 0;
  private closed = false;
  /** The database may hold queued executions nobody holds: new work queues behind them, and they are pulled. */
  private inDatabase = false;
  /** How many wait in the database, as last counted plus what was dropped there since. */
  private inDatabaseCount = 0;
  private drops = 0;
  private pulling = false;
  private retry?: NodeJS.Timeout;
  private countedAt = 0;
  private counting = false;

  constructor(
    private readonly run: (executionId: string, fresh?: ExecutionData) => Promise<void>,
    private readonly limits: InlineLimits,
    private readonly source: QueuedSource,
    private readonly logger: Logger,
    private readonly leaseMs: number,
  ) {}

  /** Pull when fewer than this wait in memory, so the slots never run dry while a batch is read. */
  private get lowWater(): number {
    return Math.max(1, Math.min(this.limits.concurrency, this.limits.backlog));
  }

  private room(bytes = 0): boolean {
    const count = this.waiting.length + this.promised.size;
    if (count >= this.limits.backlog) return false;
    // The byte bound never refuses the only execution in memory, however large its input.
    return count === 0 || this.heldBytes + this.promisedBytes + bytes <= this.limits.bytes;
  }

  reserve(executionId: string, bytes = 0): boolean {
    if (this.closed || this.inDatabase) return false;
    // A reservation whose request never came back (its store failed) lapses with its lease.
    const now = Date.now();
    for (const [id, promise] of this.promised) {
      if (promise.until > now) break;
      this.promised.delete(id);
      this.promisedBytes -= promise.bytes;
    }
    if (!this.room(bytes)) return false;
    this.promised.set(executionId, { until: now + this.leaseMs, bytes });
    this.promisedBytes += bytes;
    return true;
  }

  async enqueue(executionId: string, fresh?: ExecutionData): Promise<void> {
    const promise = this.promised.get(executionId);
    if (promise) {
      this.promised.delete(executionId);
      this.promisedBytes -= promise.bytes;
    }
    if (this.closed || this.held.has(executionId)) return;
    // Reserved for this process when stored: it was counted in, so it is held whatever came since.
    if (promise) return this.hold(executionId, fresh, promise.bytes);
    // Stored unreserved (this process was full), or handed over by the sweeper, a decision or a schedule:
    // held if there is room and nothing older waits in the database; else the database keeps it.
    if (this.room() && !(fresh && this.inDatabase)) return this.hold(executionId, fresh, 0);
    this.drops++;
    if (fresh) this.inDatabaseCount++;
    this.inDatabase = true;
    this.pullIfLow();
  }

  /**
   * The database may hold queued executions nobody holds (the sweeper asks, at start and every tick): with
   * room, one pull looks; a full batch means there may be more, and new work then queues behind them.
   */
  wake(): void {
    if (this.closed || this.inDatabase) return;
    if (!this.pulling && !this.retry && this.waiting.length < this.lowWater && this.room()) void this.pull();
    else this.inDatabase = true;
  }

  backlog(): number {
    if (!this.inDatabase) return this.waiting.length + this.promised.size;
    if (!this.counting && Date.now() - this.countedAt > RECOUNT_MS) void this.recount();
    return this.waiting.length + this.promised.size + this.inDatabaseCount;
  }

  private hold(executionId: string, data: ExecutionData | undefined, bytes: number): void {
    this.held.set(executionId, { data, bytes });
    this.heldBytes += bytes;
    this.waiting.push(executionId);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.active < this.limits.concurrency && this.waiting.length) {
      const id = this.waiting.shift()!;
      this.active++;
      this.run(id, this.held.get(id)?.data)
        .catch((err: unknown) => this.logger.error({ err, executionId: id }, 'execution run failed'))
        .finally(() => {
          this.active--;
          this.heldBytes -= this.held.get(id)?.bytes ?? 0;
          this.held.delete(id);
          this.pump();
        });
    }
    this.pullIfLow();
  }

  private pullIfLow(): void {
    if (this.inDatabase && !this.pulling && !this.retry && !this.closed && this.waiting.length < this.lowWater && this.room()) void this.pull();
  }

  /** Takes the next batch of the oldest queued executions nobody holds; clears `inDatabase` once none are left. */
  private async pull(): Promise<void> {
    this.pulling = true;
    const dropsBefore = this.drops;
    const limit = Math.min(Math.max(4 * this.limits.concurrency, 100), this.limits.backlog - this.waiting.length - this.promised.size);
    try {
      const batch = await this.source.reserveQueued(limit);
      let taken = 0;
      for (const { execution, bytes, hasSteps } of batch) {
        if (this.closed || this.held.has(execution.id)) continue;
        taken++;
        // One with steps (a retry, a decision) is read in full when it runs; a new one runs from what was read here.
        this.hold(execution.id, hasSteps ? undefined : execution, bytes);
      }
      this.inDatabaseCount = Math.max(0, this.inDatabaseCount - taken);
      // A short batch means none are left, unless one was dropped there after the statement began.
      if (batch.length >= limit || this.drops !== dropsBefore) this.inDatabase = true;
      else {
        this.inDatabase = false;
        this.inDatabaseCount = 0;
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not pull queued executions; trying again shortly');
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.pullIfLow();
      }, PULL_RETRY_MS);
      this.retry.unref();
    } finally {
      this.pulling = false;
    }
    this.pullIfLow();
  }

  private async recount(): Promise<void> {
    this.counting = true;
    try {
      this.inDatabaseCount = await this.source.countQueued();
    } catch (err) {
      this.logger.warn({ err }, 'could not count queued executions');
    } finally {
      this.countedAt = Date.now();
      this.counting = false;
    }
  }

  async depth(): Promise<number> {
    return this.backlog();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.waiting.length = 0;
    while (this.active > 0 || this.pulling || this.counting) await new Promise((r) => setTimeout(r, 20));
  }
}

export const QUEUE_NAME = 'switchboard-executions';

export function redisConnection(url: string): Redis {
  // BullMQ needs maxRetriesPerRequest null on connections its workers block on.
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/** Queue mode, producing side: the web process puts execution ids on BullMQ. */
interface JobData {
  /** One execution: a re-dispatch (recovery, a resumed wait), whose job id is the execution's id. */
  executionId?: string;
  /** Executions created together (one intake commit), run by one worker. */
  executionIds?: string[];
  /** Just created, so the worker need not look for steps. */
  fresh: boolean;
}

/**
 * Executions created in the same tick go to BullMQ as jobs of this many: a job costs Redis and the worker
 * about as much as running a short flow, so one per execution was most of queue mode's overhead. Small
 * enough that several workers share a burst.
 */
export const EXECUTIONS_PER_JOB = 20;

export class QueueDispatcher implements Dispatcher {
  private readonly queue: Queue;
  private pending: { data: JobData; done: { resolve(): void; reject(err: unknown): void } }[] = [];
  /** BullMQ's waiting count as last read (at most every RECOUNT_MS), and jobs this process added since. */
  private waitingCount = 0;
  private added = 0;
  private addedBeforeCount = 0;
  private countedAt = 0;
  private counting = false;
  private closed = false;

  constructor(
    connection: Redis,
    private readonly logger?: Logger,
  ) {
    this.queue = new Queue(QUEUE_NAME, { connection });
  }

  reserve(): boolean {
    return false;
  }

  backlog(): number {
    if (!this.counting && !this.closed && Date.now() - this.countedAt > RECOUNT_MS) void this.recount();
    return this.waitingCount + this.added - this.addedBeforeCount;
  }

  private async recount(): Promise<void> {
    this.counting = true;
    const added = this.added;
    try {
      this.waitingCount = await this.queue.getWaitingCount();
      this.addedBeforeCount = added;
    } catch (err) {
      this.logger?.warn({ err }, 'could not read the queue depth');
    } finally {
      this.countedAt = Date.now();
      this.counting = false;
    }
  }

  /** Jobs enqueued in the same tick go to Redis in one round trip. */
  enqueue(executionId: string, fresh?: ExecutionData): Promise<void> {
    this.added++;
    return new Promise((resolve, reject) => {
      if (!this.pending.length) setImmediate(() => void this.flush());
      this.pending.push({ data: { executionId, fresh: !!fresh }, done: { resolve, reject } });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    const fresh = batch.filter(({ data }) => data.fresh).map(({ data }) => data.executionId!);
    const jobs: { name: string; data: JobData; opts: { jobId: string; removeOnComplete: true; removeOnFail: true } }[] = [];
    for (let i = 0; i < fresh.length; i += EXECUTIONS_PER_JOB) {
      const executionIds = fresh.slice(i, i + EXECUTIONS_PER_JOB);
      // New executions are dispatched once; the job is named after its first.
      jobs.push({ name: 'run', data: { executionIds, fresh: true }, opts: { jobId: `batch-${executionIds[0]}`, removeOnComplete: true, removeOnFail: true } });
    }
    for (const { data } of batch) {
      // jobId = execution id: re-dispatching an execution whose job is still queued or active is a no-op.
      if (!data.fresh) jobs.push({ name: 'run', data, opts: { jobId: data.executionId!, removeOnComplete: true, removeOnFail: true } });
    }
    try {
      await this.queue.addBulk(jobs);
      for (const { done } of batch) done.resolve();
    } catch (err) {
      for (const { done } of batch) done.reject(err);
    }
  }

  async depth(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.counting) await new Promise((r) => setTimeout(r, 20));
    await this.queue.close();
  }
}

/**
 * Queue mode, consuming side: `npm run worker` processes run executions from BullMQ, at most
 * `concurrency` at once however they came (one per job, or many in a job).
 */
export function startQueueWorker(connection: Redis, run: (executionId: string, fresh?: 'new') => Promise<void>, concurrency: number): Worker {
  const slots = new Slots(concurrency);
  return new Worker<JobData>(
    QUEUE_NAME,
    async (job) => {
      const ids = Array.isArray(job.data.executionIds) ? job.data.executionIds.map(String) : [String(job.data.executionId)];
      const fresh = job.data.fresh ? 'new' : undefined;
      const outcomes = await Promise.allSettled(ids.map((id) => slots.run(() => run(id, fresh))));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    },
    { connection, concurrency },
  );
}

/** A counting semaphore: at most `size` tasks run at once, the others wait in order. */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
