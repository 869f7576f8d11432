import { BENCH_BODY } from './api.js';
import { cpuBetween, snapshot, type CpuSplit, type Snapshot } from './cpu.js';
import { startLoad, type LoadResult } from './load.js';
import type { Child } from './processes.js';

export interface LoadTarget {
  url: string;
  /** Where the load generator's output goes. */
  logFile: string;
  /** Root pids per role, for the CPU split (see cpu.ts). */
  roles: Record<string, number[]>;
  /** The PostgreSQL database under test, if any (its backends count as "postgres"). */
  database?: string;
  /** Registers the load generator so it is stopped with the rest on an interrupt. */
  adopt(child: Child): void;
}

export interface LoadWindow {
  /** The 2 s before the load: what the rest of the machine was using. */
  idle: CpuSplit;
  atStart: Snapshot;
  atEnd: Snapshot;
  load: LoadResult;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * 2 s of the idle machine, then autocannon in a second process (load-child.ts): the same load for
 * Switchboard and for the references. Returns the CPU snapshots at the load's start and end.
 */
export async function loadWindow(target: LoadTarget, settings: { connections: number; duration: number }): Promise<LoadWindow> {
  const quietStart = snapshot();
  await sleep(2000);
  const idle = cpuBetween(quietStart, snapshot(), target.roles, target.database);
  const load = startLoad({ url: target.url, connections: settings.connections, duration: settings.duration, body: BENCH_BODY }, target.logFile);
  target.adopt(load.child);
  await Promise.race([load.started, load.finished]);
  const atStart = snapshot();
  const result = await load.finished;
  return { idle, atStart, atEnd: snapshot(), load: result };
}
