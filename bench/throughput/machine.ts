import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { ROOT } from './processes.js';

/** Where and on what a figure was taken: absolute figures only compare on the same CPU model. */
export interface Machine {
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  /** Short hash of HEAD, "+dirty" when tracked files differ from it. */
  commit: string;
  postgres: string;
  redis: string;
  date: string;
}

/** The "model name" line of /proc/cpuinfo (what the kernel reports), else what Node.js reports. */
export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => /^model name\s*:/.test(l));
    const model = line?.slice(line.indexOf(':') + 1).trim();
    if (model) return model;
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** `git rev-parse --short HEAD`, with "+dirty" when a tracked file has changes (untracked files do not count). */
export function gitCommit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const hash = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${hash}+dirty` : hash;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function machine(postgres: string, redis: string): Machine {
  return {
    cpuModel: cpuModel(),
    cpuCount: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    commit: gitCommit(),
    postgres,
    redis,
    date: new Date().toISOString(),
  };
}

export const describeMachine = (m: Machine) =>
  `${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM; Node ${m.node}; PostgreSQL ${m.postgres}; Redis ${m.redis}; commit ${m.commit}`;
