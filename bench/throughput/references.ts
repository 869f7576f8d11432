import { join } from 'node:path';
import { waitAccepts, warmUp } from './api.js';
import { cpuBetween, type CpuSplit } from './cpu.js';
import type { LoadResult } from './load.js';
import { NODE_RED_PATH, startNodeRed, type NodeRedInstall } from './node-red.js';
import { freePort, spawnTs, type Child } from './processes.js';
import type { Settings } from './report.js';
import { loadWindow } from './window.js';

/**
 * Same-sitting references: the same load generator, connections and duration against servers that do
 * less than Switchboard, so each Switchboard figure can be given as a share of what this machine does
 * at that moment. Absolute rates differ two-fold between machines of one kind; the shares should not.
 *
 * - `bare`: a node:http server that parses the JSON body and answers 202 (bare-server.ts), the ceiling.
 *   Measured before the Switchboard configurations and again after them.
 * - `node-red`: Node-RED 5 with the equivalent flow (node-red.ts), when BENCH_NODE_RED=1.
 */
export type ReferenceId = 'bare' | 'node-red';

export interface ReferenceResult {
  id: ReferenceId;
  label: string;
  /** Node-RED's version. */
  version?: string;
  error?: string;
  load?: LoadResult;
  cpuBefore?: CpuSplit;
  cpuLoad?: CpuSplit;
  notes: string[];
  logFile?: string;
}

export interface Closable {
  close(): Promise<void>;
}

/** One reference server and the helpers (load generator) started against it, stopped together. */
class ReferenceServer implements Closable {
  private readonly helpers: Child[] = [];
  constructor(
    readonly child: Child,
    readonly base: string,
    readonly path: string,
  ) {}
  adopt(child: Child): void {
    this.helpers.push(child);
  }
  async close(): Promise<void> {
    await Promise.all([...this.helpers, this.child].map((c) => c.stop()));
  }
}

/** Waits until the server answers the benchmark body with 202; stops it if it does not. */
async function ready(server: ReferenceServer, timeoutMs: number): Promise<ReferenceServer> {
  try {
    await waitAccepts(`${server.base}${server.path}`, server.child, timeoutMs);
    return server;
  } catch (err) {
    await server.close();
    throw err;
  }
}

async function startBare(logFile: string): Promise<ReferenceServer> {
  const port = await freePort();
  const child = spawnTs('bare', ['bench/throughput/bare-server.ts', String(port)], {}, logFile);
  return ready(new ReferenceServer(child, `http://127.0.0.1:${port}`, '/webhooks/bare'), 30_000);
}

async function startRed(install: NodeRedInstall, logFile: string): Promise<ReferenceServer> {
  const port = await freePort();
  return ready(new ReferenceServer(await startNodeRed(install, port, logFile), `http://127.0.0.1:${port}`, NODE_RED_PATH), 60_000);
}

/** Starts the reference, warms it up like Switchboard, measures one load window, stops it. */
export async function runReference(
  id: ReferenceId,
  label: string,
  settings: Settings,
  runDir: string,
  active: Set<Closable>,
  nodeRed?: NodeRedInstall,
): Promise<ReferenceResult> {
  const tag = label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  const result: ReferenceResult = { id, label, notes: [], version: nodeRed?.version, logFile: join(runDir, `ref-${tag}.log`) };
  console.log(`\n== ${label}: starting`);
  let server: ReferenceServer | undefined;
  try {
    server = id === 'bare' ? await startBare(result.logFile!) : await startRed(nodeRed!, result.logFile!);
    active.add(server);
    const sent = await warmUp(server.base, server.path, settings.warmup);
    if (sent.accepted < settings.warmup) result.notes.push(`warm-up: ${sent.accepted} of ${settings.warmup} requests answered 2xx (${sent.failed} failed, ${sent.skipped} not sent)`);
    console.log(`== ${label}: ${settings.duration} s of load with ${settings.connections} connections`);
    const roles = { web: [server.child.pid] };
    const target = { url: `${server.base}${server.path}`, logFile: join(runDir, `ref-${tag}-load.log`), roles, adopt: (c: Child) => server!.adopt(c) };
    const window = await loadWindow(target, settings);
    Object.assign(result, { load: window.load, cpuBefore: window.idle, cpuLoad: cpuBetween(window.atStart, window.atEnd, roles, undefined, window.load.cpuPercent) });
    const exit = server.child.exited();
    if (exit) result.error = `exited during the run (code ${exit.code}, signal ${exit.signal})`;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    console.error(`== ${label}: failed: ${result.error}`);
  } finally {
    if (server) {
      await server.close();
      active.delete(server);
    }
  }
  return result;
}
