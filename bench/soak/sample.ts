import { cpuBetween, snapshot, type Snapshot } from '../throughput/cpu.js';
import type { ExecutionReader } from '../throughput/db.js';
import type { Environment } from '../throughput/environment.js';
import type { Window } from './pace.js';

const MiB = 2 ** 20;

/** One reading every SOAK_SAMPLE_SECONDS, taken when the load generator closes a window. */
export interface Sample {
  /** Seconds since the load started. */
  t: number;
  window: Window;
  /** Resident memory of each process tree, MiB (web; all workers together, 0 inline). */
  webRssMiB: number;
  workersRssMiB: number;
  /** CPU over the window, % of one core. */
  webCpu: number;
  workersCpu: number;
  postgresCpu: number;
  /** % of all cores busy (everything on the machine). */
  machineBusy: number;
  /** % of one core used by everything not counted above (other programs, the load generator, the kernel). */
  others: number;
  dbMiB: number;
  /** SQLite's write-ahead log; null on PostgreSQL (its WAL belongs to the whole cluster). */
  walMiB: number | null;
  /** Rows of the soak flow in `executions` now (pruning removes finished ones past the retention). */
  stored: number;
  /** Queued, running or waiting now. */
  pending: number;
  /** Failed executions still stored (failed ones are pruned like the others, so each sample looks). */
  failedStored: number;
  /** Executions finished so far: answered 2xx minus those still pending. */
  finished: number;
}

/** Reads memory and CPU from /proc, the database's size and the soak flow's counts. */
export class Sampler {
  private previous: Snapshot = snapshot();
  readonly first: Snapshot = this.previous;

  constructor(
    private readonly env: Environment,
    private readonly reader: ExecutionReader,
    private readonly flowId: string,
    private readonly startMs: number,
  ) {}

  roles(): Record<string, number[]> {
    return { web: [this.env.web!.pid], workers: this.env.workerPids() };
  }

  /** The last snapshot taken (the end of the last window). */
  last(): Snapshot {
    return this.previous;
  }

  async take(window: Window): Promise<Sample> {
    const now = snapshot();
    const cpu = cpuBetween(this.previous, now, this.roles(), this.env.databaseName());
    this.previous = now;
    const [size, counts] = await Promise.all([this.reader.size(), this.reader.counts(this.flowId)]);
    return {
      t: (window.at - this.startMs) / 1000,
      window,
      webRssMiB: cpu.rssMiB.web,
      workersRssMiB: cpu.rssMiB.workers,
      webCpu: cpu.roles.web,
      workersCpu: cpu.roles.workers,
      postgresCpu: cpu.postgres,
      machineBusy: cpu.machineBusy,
      others: cpu.others,
      dbMiB: size.bytes / MiB,
      walMiB: size.walBytes === null ? null : size.walBytes / MiB,
      stored: counts.total,
      pending: counts.pending,
      failedStored: counts.byStatus.failed ?? 0,
      finished: Math.max(0, window.ok - counts.pending),
    };
  }
}
