import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresVersion } from './db.js';
import { machine, type Machine } from './machine.js';
import { redisVersion } from './redis.js';
import type { Closable } from './references.js';

export interface BenchSession {
  /** Where every process's log goes. */
  runDir: string;
  /** What must be stopped if the run is interrupted (Ctrl-C, SIGTERM). */
  active: Set<Closable>;
  machine: Machine;
}

/** Starts a benchmark run: a log folder, cleanup on interruption, and the machine it runs on (printed). */
export async function startSession(prefix: string): Promise<BenchSession> {
  const runDir = await mkdtemp(join(tmpdir(), prefix));
  const active = new Set<Closable>();
  const interrupt = () => void Promise.all([...active].map((e) => e.close())).finally(() => process.exit(130));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const m = machine(await postgresVersion(), await redisVersion());
  console.log(`logs of every process: ${runDir}\nmachine: ${m.cpuCount} × ${m.cpuModel}, Node ${m.node}, commit ${m.commit}`);
  return { runDir, active, machine: m };
}
