/**
 * Soak benchmark: a large number of executions of the throughput flow (webhook → logic.condition →
 * logic.set) at a steady rate below saturation, with retention on so finished executions are pruned
 * while it runs. Every SOAK_SAMPLE_SECONDS it samples memory, database size, accept latency and
 * progress; at the end it judges whether memory, the database and latency stayed flat (verdict.ts).
 * Run by hand: `npm run bench:soak` (see docs/benchmarks.md). Targets 127.0.0.1 only.
 *
 *   SOAK_EXECUTIONS         executions to push through (default 1000000)
 *   SOAK_RATE               requests per second, or a share like "60%" of the end-to-end rate a
 *                           calibration run measures first (default 60%)
 *   SOAK_CONFIG             a configuration id of the throughput bench (default sqlite-inline)
 *   SOAK_RETENTION_MINUTES  EXECUTION_RETENTION_MINUTES of the server (default 1)
 *   SOAK_SAMPLE_SECONDS     seconds between samples (default 10)
 *   SOAK_WARMUP_SECONDS     samples before this are left out of the verdicts (default 20 % of the planned load, at least 60)
 *   SOAK_CONNECTIONS        most connections the load generator opens (default 64)
 *   SOAK_CALIBRATE_SECONDS  seconds of the calibration load (default 10)
 *   SOAK_OUTPUT             markdown file whose soak section is rewritten (default docs/benchmarks.md; "-" = none)
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BENCH_BODY, createActiveFlow, createWorkspace, verifyExecution, warmUp } from '../throughput/api.js';
import { cpuBetween } from '../throughput/cpu.js';
import type { ExecutionReader } from '../throughput/db.js';
import { CONFIGS, Environment, type BenchConfig } from '../throughput/environment.js';
import { ROOT } from '../throughput/processes.js';
import { writeResults } from '../throughput/report.js';
import { calibrate } from './calibrate.js';
import { startPacedLoad, type Window } from './pace.js';
import { printSoak, soakSection, SOAK_END_MARK, SOAK_START_MARK, type SoakRun } from './report.js';
import { Sampler, type Sample } from './sample.js';
import { judge } from './verdict.js';
import { runMain } from '../throughput/tables.js';
import { startSession } from '../throughput/session.js';

interface SoakSettings {
  executions: number;
  rate: { perSec: number } | { share: number };
  config: BenchConfig;
  retentionMinutes: number;
  sampleSeconds: number;
  warmupSeconds?: number;
  connections: number;
  calibrateSeconds: number;
}

const DRAIN_TIMEOUT_MS = 120_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}

function rateSetting(): SoakSettings['rate'] {
  const raw = (process.env.SOAK_RATE ?? '60%').trim();
  const share = raw.match(/^(\d+(?:\.\d+)?)\s*%$/);
  if (share && Number(share[1]) > 0 && Number(share[1]) <= 100) return { share: Number(share[1]) / 100 };
  if (/^\d+$/.test(raw) && Number(raw) >= 1) return { perSec: Number(raw) };
  throw new Error(`SOAK_RATE must be requests per second (a whole number ≥ 1) or a share such as "60%", got "${raw}"`);
}

function settingsFromEnv(): SoakSettings {
  const id = process.env.SOAK_CONFIG ?? 'sqlite-inline';
  const config = CONFIGS.find((c) => c.id === id);
  if (!config) throw new Error(`SOAK_CONFIG: unknown ${id}; known: ${CONFIGS.map((c) => c.id).join(', ')}`);
  return {
    executions: positive('SOAK_EXECUTIONS', 1_000_000),
    rate: rateSetting(),
    config,
    retentionMinutes: positive('SOAK_RETENTION_MINUTES', 1),
    sampleSeconds: positive('SOAK_SAMPLE_SECONDS', 10),
    warmupSeconds: process.env.SOAK_WARMUP_SECONDS ? positive('SOAK_WARMUP_SECONDS', 60) : undefined,
    connections: positive('SOAK_CONNECTIONS', 64),
    calibrateSeconds: positive('SOAK_CALIBRATE_SECONDS', 10),
  };
}

/** Polls until no execution of the flow is pending (or the time runs out); returns how many still are. */
async function drain(reader: ExecutionReader, flowId: string, alive: () => boolean): Promise<number> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const { pending } = await reader.counts(flowId);
    if (pending === 0 || Date.now() > deadline || !alive()) return pending;
    await sleep(1000);
  }
}

/** Starts the server with retention, pushes the executions through at `run.rate`, samples, drains, judges. */
async function soak(env: Environment, s: SoakSettings, run: SoakRun, runDir: string): Promise<void> {
  await env.startWeb();
  const ws = await createWorkspace(env.base);
  const warm = await createActiveFlow(ws, 'Soak warm-up');
  const flow = await createActiveFlow(ws, 'Soak');
  await env.startWorkers();
  await warmUp(env.base, warm.webhookPath, 500);
  const reader = await env.reader();
  try {
    let sampler: Sampler | undefined;
    let chain = Promise.resolve();
    const onWindow = (w: Window) => {
      chain = chain.then(async () => {
        const sample = await sampler!.take(w);
        run.samples.push(sample);
        console.log(progress(sample));
      });
    };
    const options = { url: `${env.base}${flow.webhookPath}`, rate: run.rate, total: s.executions, connections: s.connections, windowSeconds: s.sampleSeconds, body: BENCH_BODY };
    const load = startPacedLoad(options, join(runDir, 'soak-load.log'), onWindow);
    env.adopt(load.child);
    const startMs = await Promise.race([load.started, load.finished.then(() => Date.now())]);
    sampler = new Sampler(env, reader, flow.flowId, startMs);
    const last = await load.finished;
    await chain;
    run.loadSeconds = (last.at - startMs) / 1000;
    run.cpu = cpuBetween(sampler.first, sampler.last(), sampler.roles(), env.databaseName(), 0);
    const pendingAfterDrain = await drain(reader, flow.flowId, () => env.executorsAlive());
    run.drainSeconds = (Date.now() - last.at) / 1000;
    const verifyProblem = await verifyExecution(ws, flow.flowId);
    run.verdicts = judge(run.samples, { rate: run.rate, warmupSeconds: run.warmupSeconds, steadyFromSeconds: steadyFrom(run), pendingAfterDrain, verifyProblem });
  } finally {
    await reader.close();
  }
}

/** Pruning runs every retention period (at most ten minutes), so from retention + one period on the stored set stops growing. */
const steadyFrom = (run: SoakRun) => (run.retentionMinutes + run.pruneEveryMinutes) * 60 + 2 * run.sampleSeconds;

function progress(s: Sample): string {
  const w = s.window;
  const f = (v: number) => Math.round(v).toLocaleString('en-US');
  return `${f(s.t).padStart(6)} s  sent ${f(w.sent)}  accepted ${f(w.ok)}  finished ${f(s.finished)}  pending ${f(s.pending)}  p99 ${w.p99.toFixed(1)} ms  web ${f(s.webRssMiB)} MiB  db ${s.dbMiB.toFixed(1)}${s.walMiB === null ? '' : ` + WAL ${s.walMiB.toFixed(1)}`} MiB  stored ${f(s.stored)}${w.errors + w.non2xx ? `  errors ${f(w.errors + w.non2xx)}` : ''}`;
}

async function main(): Promise<void> {
  const s = settingsFromEnv();
  const { runDir, active, machine: m } = await startSession('switchboard-soak-');

  const calibration = 'share' in s.rate ? await calibrate(s.config, runDir, s.calibrateSeconds, active) : undefined;
  const rate = 'share' in s.rate ? Math.max(1, Math.floor(s.rate.share * calibration!.e2ePerSec)) : s.rate.perSec;
  const planned = s.executions / rate;
  const run: SoakRun = {
    machine: m,
    config: s.config,
    executions: s.executions,
    rate,
    rateShare: 'share' in s.rate ? s.rate.share : undefined,
    calibration,
    retentionMinutes: s.retentionMinutes,
    pruneEveryMinutes: Math.min(10, s.retentionMinutes),
    sampleSeconds: s.sampleSeconds,
    warmupSeconds: s.warmupSeconds ?? Math.max(60, Math.round(0.2 * planned)),
    connections: s.connections,
    samples: [],
    verdicts: [],
    processes: [],
    samplesFile: join(runDir, 'soak-samples.json'),
  };
  if (calibration) console.log(`calibration: ${Math.round(calibration.e2ePerSec)} executions/s end to end (accepted ${Math.round(calibration.acceptedPerSec)} req/s)`);
  console.log(`== ${s.config.label}: ${s.executions.toLocaleString('en-US')} executions at ${rate}/s, about ${(planned / 60).toFixed(1)} min of load; retention ${s.retentionMinutes} min`);

  const env = new Environment(s.config, runDir, { EXECUTION_RETENTION_MINUTES: String(s.retentionMinutes) });
  active.add(env);
  try {
    await soak(env, s, run, runDir);
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
    console.error(`== soak failed: ${run.error}`);
  } finally {
    run.processes = env.report();
    await env.close();
    active.delete(env);
  }
  await writeFile(run.samplesFile, JSON.stringify(run.samples, null, 1));
  printSoak(run);
  const output = process.env.SOAK_OUTPUT ?? 'docs/benchmarks.md';
  if (output !== '-') {
    writeResults(resolve(ROOT, output), soakSection(run), { start: SOAK_START_MARK, end: SOAK_END_MARK });
    console.log(`results written to ${output}`);
  }
}

runMain(main);
