import { join } from 'node:path';
import { BENCH_BODY, createActiveFlow, createWorkspace, warmUp } from '../throughput/api.js';
import { Environment, type BenchConfig } from '../throughput/environment.js';
import { startLoad } from '../throughput/load.js';
import type { Closable } from '../throughput/references.js';

export interface Calibration {
  seconds: number;
  acceptedPerSec: number;
  /** Succeeded executions / (last finishedAt − start of the load): what the machine sustains. */
  e2ePerSec: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What this machine sustains, measured the way `npm run bench` does (autocannon, 100 connections, in a
 * second process) on a fresh instance of the configuration that is then thrown away.
 */
export async function calibrate(config: BenchConfig, runDir: string, seconds: number, active: Set<Closable>): Promise<Calibration> {
  const env = new Environment(config, runDir);
  active.add(env);
  try {
    await env.startWeb();
    const ws = await createWorkspace(env.base);
    const warm = await createActiveFlow(ws, 'Calibration warm-up');
    const flow = await createActiveFlow(ws, 'Calibration');
    await env.startWorkers();
    await warmUp(env.base, warm.webhookPath, 500);
    const load = startLoad({ url: `${env.base}${flow.webhookPath}`, connections: 100, duration: seconds, body: BENCH_BODY }, join(runDir, 'calibration-load.log'));
    env.adopt(load.child);
    const result = await load.finished;
    const reader = await env.reader();
    try {
      const deadline = Date.now() + 180_000;
      for (;;) {
        const counts = await reader.counts(flow.flowId);
        const done = counts.pending === 0 && counts.total >= result.accepted;
        if (done || Date.now() > deadline || !env.executorsAlive()) {
          if (!done) throw new Error(`calibration: ${counts.pending} executions still pending 180 s after the load`);
          const last = counts.lastFinishedAt?.getTime() ?? result.endMs;
          return { seconds, acceptedPerSec: result.acceptedPerSec, e2ePerSec: (counts.byStatus.succeeded ?? 0) / ((last - result.startMs) / 1000) };
        }
        await sleep(1000);
      }
    } finally {
      await reader.close();
    }
  } finally {
    await env.close();
    active.delete(env);
  }
}
