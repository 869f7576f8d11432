import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU accounting from /proc (Linux): cumulative user+system ticks per process, read at the start and
 * end of a window. Unlike `ps -o %cpu` (an average over the process's whole life), this gives the
 * share each process used during exactly that window. 100 % = one core busy.
 */
interface Proc {
  ppid: number;
  comm: string;
  ticks: number;
  /** Resident memory, bytes. */
  rss: number;
  /** For PostgreSQL backends: the database they serve (from the process title); null for its own processes. */
  database?: string | null;
}

export interface Snapshot {
  at: number;
  procs: Map<number, Proc>;
  /** Busy and total ticks of all cores together, from /proc/stat. */
  busy: number;
  total: number;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** "postgres: 15/main: <user> <database> <host>(<port>) <activity>" is a backend's process title. */
function postgresDatabase(pid: number): string | null {
  const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  return title.match(/^postgres: [^:]+: \S+ (\S+) \S+\(\d+\)/)?.[1] ?? null;
}

const PAGE_SIZE = (() => {
  try {
    return Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
  } catch {
    return 4096;
  }
})();

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // after "pid (comm) ": state ppid … utime is field 14 of the whole line, stime 15
    // field 24 of the whole line: resident set size in pages
    const proc: Proc = { ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]), rss: Number(fields[21]) * PAGE_SIZE };
    if (comm.startsWith('postgres')) proc.database = postgresDatabase(pid);
    return proc;
  } catch {
    return null; // exited between readdir and read
  }
}

function systemTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

export function snapshot(): Snapshot {
  const procs = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const proc = readProc(Number(name));
    if (proc) procs.set(Number(name), proc);
  }
  return { at: Date.now(), procs, ...systemTicks() };
}

/** Pids of a process and all its descendants (tsx runs the real program as a child process). */
function tree(snap: Snapshot, root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, p] of snap.procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const pids: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (snap.procs.has(pid)) pids.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return pids;
}

/**
 * Ticks used between the snapshots by the processes alive at the end (a process that exited in
 * between is not counted; one that started in between counts from zero), so a sum is never negative.
 */
function used(a: Snapshot, b: Snapshot, pids: Iterable<number>): number {
  let sum = 0;
  for (const pid of pids) sum += (b.procs.get(pid)?.ticks ?? 0) - (a.procs.get(pid)?.ticks ?? 0);
  return sum;
}

function rss(snap: Snapshot, roots: number[]): number {
  return roots.flatMap((root) => tree(snap, root)).reduce((sum, pid) => sum + (snap.procs.get(pid)?.rss ?? 0), 0);
}

function matching(snap: Snapshot, match: RegExp, database?: string): number[] {
  const pids: number[] = [];
  for (const [pid, p] of snap.procs) {
    // PostgreSQL's own processes (WAL writer, checkpointer, …) count; other databases' backends do not.
    if (match.test(p.comm) && (database === undefined || !p.database || p.database === database)) pids.push(pid);
  }
  return pids;
}

export interface CpuSplit {
  seconds: number;
  /** % of one core, per role (each role is one or more process trees). */
  roles: Record<string, number>;
  /** Resident memory per role at the end of the window, MiB. */
  rssMiB: Record<string, number>;
  /** The benchmark database's backends and PostgreSQL's own processes. */
  postgres: number;
  redis: number;
  /** % of all cores together that were busy (100 = every core). */
  machineBusy: number;
  /** % of one core used by everything not counted above (other databases' backends, other programs, the kernel). */
  others: number;
}

const CORES = readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length || 1;

const percent = (ticks: number, seconds: number) => (seconds > 0 ? (100 * ticks) / CLK_TCK / seconds : 0);

/**
 * CPU used between two snapshots. `roles` maps a name to the root pids counted under it; `extra` is
 * CPU (% of one core) used by processes no longer visible at the end (the load generator reports its own).
 */
export function cpuBetween(a: Snapshot, b: Snapshot, roles: Record<string, number[]>, database?: string, extra = 0): CpuSplit {
  const seconds = (b.at - a.at) / 1000;
  const role = (roots: number[]) => used(a, b, roots.flatMap((root) => tree(b, root)));
  const split = {
    seconds,
    roles: Object.fromEntries(Object.entries(roles).map(([name, roots]) => [name, percent(role(roots), seconds)])),
    rssMiB: Object.fromEntries(Object.entries(roles).map(([name, roots]) => [name, rss(b, roots) / 2 ** 20])),
    postgres: percent(used(a, b, matching(b, /^postgres/, database)), seconds),
    redis: percent(used(a, b, matching(b, /^redis-server/)), seconds),
    machineBusy: b.total > a.total ? (100 * (b.busy - a.busy)) / (b.total - a.total) : 0,
  };
  const counted = Object.values(split.roles).reduce((x, y) => x + y, 0) + split.postgres + split.redis + extra;
  return { ...split, others: Math.max(0, split.machineBusy * CORES - counted) };
}
