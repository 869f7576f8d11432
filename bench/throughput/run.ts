/**
 * Throughput benchmark: webhook → logic.condition → logic.set under 100 connections, per storage and
 * execution mode, beside same-sitting references (a bare node:http server, optionally Node-RED) measured
 * with the same load generator, so each figure is also given as a share of what this machine does.
 * Run by hand: `npm run bench` (see docs/benchmarks.md). Targets 127.0.0.1 only.
 *
 *   BENCH_DURATION     seconds of load per configuration and per reference (default 15)
 *   BENCH_CONNECTIONS  concurrent connections (default 100)
 *   BENCH_CONFIGS      comma-separated configuration ids (default: all but the optional ones)
 *   BENCH_WARMUP       warm-up requests before the load, not measured (default 500)
 *   BENCH_NODE_RED     1 also measures Node-RED 5, installed on demand into a temporary folder (default 0)
 *   BENCH_OUTPUT       markdown file whose results section is rewritten (default docs/benchmarks.md; "-" = none)
 *   BENCH_NODE_OPTIONS NODE_OPTIONS for every Switchboard process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 */
import { join, resolve } from 'node:path';
import { createActiveFlow, createWorkspace, verifyExecution, warmUp, type BenchFlow, type WarmUp, type Workspace } from './api.js';
import { cpuBetween, snapshot, type Snapshot } from './cpu.js';
import { type ExecutionCounts, type ExecutionReader, type Timing } from './db.js';
import { CONFIGS, Environment, type BenchConfig } from './environment.js';
import type { LoadResult } from './load.js';
import { installNodeRed, type NodeRedInstall } from './node-red.js';
import { ROOT, type Child } from './processes.js';
import { runReference, type Closable, type ReferenceResult } from './references.js';
import { printResults, resultsSection, writeResults, type ConfigResult, type Settings } from './report.js';
import { loadWindow } from './window.js';
import { runMain } from './tables.js';
import { startSession } from './session.js';

const DRAIN_TIMEOUT_MS = 120_000;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}

function selectedConfigs(): BenchConfig[] {
  const raw = process.env.BENCH_CONFIGS;
  if (!raw) return CONFIGS.filter((c) => !c.optional);
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !CONFIGS.some((c) => c.id === id));
  if (unknown.length) throw new Error(`BENCH_CONFIGS: unknown ${unknown.join(', ')}; known: ${CONFIGS.map((c) => c.id).join(', ')}`);
  return ids.map((id) => CONFIGS.find((c) => c.id === id)!);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the executions table until `expected` executions of the flow exist and none is pending. */
async function waitSettled(reader: ExecutionReader, flowId: string, expected: number, timeoutMs: number, alive: () => boolean, pollMs: number) {
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  for (;;) {
    const counts = await reader.counts(flowId);
    // stable: requests still in flight when the load stopped may store executions a little later
    const settled = counts.pending === 0 && counts.total >= expected && counts.total === previous;
    if (settled || Date.now() > deadline || !alive()) return { counts, settled: settled || (counts.pending === 0 && counts.total >= expected) };
    previous = counts.total;
    await sleep(pollMs);
  }
}

/** SQLite readers take locks the server's writers wait for: poll it less often (the figures come from finishedAt, not from the poll). */
const pollMs = (config: BenchConfig) => (config.database === 'sqlite' ? 1000 : 250);

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function latencyOf(timings: Timing[]): { p50: number; p99: number } {
  const ms = timings.map((t) => t.finishedAt.getTime() - t.createdAt.getTime()).sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

function throughput(load: LoadResult, counts: ExecutionCounts) {
  const succeeded = counts.byStatus.succeeded ?? 0;
  const last = counts.lastFinishedAt?.getTime();
  const e2eSeconds = last ? (last - load.startMs) / 1000 : undefined;
  return {
    e2eSeconds,
    e2ePerSec: e2eSeconds ? succeeded / e2eSeconds : 0,
    drainSeconds: last ? Math.max(0, (last - load.endMs) / 1000) : undefined,
  };
}

function warmUpNote(requested: number, sent: WarmUp, counts: ExecutionCounts, ms: number): string {
  return (
    `warm-up did not go through: of ${requested} requests ${sent.accepted} were accepted, ${sent.failed} failed (non-2xx, socket error or over 30 s), ${sent.skipped} were not sent (60 s limit); ` +
    `of their executions ${counts.byStatus.succeeded ?? 0} succeeded, ${counts.byStatus.failed ?? 0} failed, ${counts.pending} were still pending after ${(ms / 1000).toFixed(1)} s. Measured anyway.`
  );
}

/** Prepares the processes and the two flows (one to warm up on, one to measure). */
async function prepare(env: Environment, settings: Settings, notes: string[]): Promise<{ ws: Workspace; flow: BenchFlow }> {
  await env.startWeb();
  const ws = await createWorkspace(env.base);
  const warm = await createActiveFlow(ws, 'Benchmark warm-up');
  const flow = await createActiveFlow(ws, 'Benchmark');
  await env.startWorkers();
  const reader = await env.reader();
  try {
    const started = Date.now();
    const sent = await warmUp(env.base, warm.webhookPath, settings.warmup);
    const { settled, counts } = await waitSettled(reader, warm.flowId, sent.accepted, 60_000, () => env.executorsAlive(), pollMs(env.config));
    if (sent.accepted < settings.warmup || !settled || counts.byStatus.failed) notes.push(warmUpNote(settings.warmup, sent, counts, Date.now() - started));
  } finally {
    await reader.close();
  }
  return { ws, flow };
}

type Roles = Record<string, number[]>;

/** 2 s of the idle machine, then the load; returns the CPU snapshots at the load's start and end. */
async function runLoad(env: Environment, flow: BenchFlow, settings: Settings, runDir: string, roles: Roles, result: ConfigResult) {
  const target = { url: `${env.base}${flow.webhookPath}`, logFile: join(runDir, `${env.config.id}-load.log`), roles, database: env.databaseName(), adopt: (c: Child) => env.adopt(c) };
  const window = await loadWindow(target, settings);
  result.cpuBefore = window.idle;
  result.load = window.load;
  return { atStart: window.atStart, atLoadEnd: window.atEnd };
}

/** Waits for the backlog, then fills in the execution counts, rates, latencies and CPU split. */
async function drain(env: Environment, reader: ExecutionReader, flow: BenchFlow, roles: Roles, at: { atStart: Snapshot; atLoadEnd: Snapshot }, result: ConfigResult) {
  const load = result.load!;
  const { counts, settled } = await waitSettled(reader, flow.flowId, load.accepted, DRAIN_TIMEOUT_MS, () => env.executorsAlive(), pollMs(env.config));
  const atDrainEnd = snapshot();
  Object.assign(result, { counts, settled, ...throughput(load, counts) });
  if (!settled) result.notes.push(`${counts.pending} executions still pending ${((atDrainEnd.at - load.endMs) / 1000).toFixed(0)} s after the load stopped; ${counts.total} of ${load.accepted} accepted executions are in the database`);
  result.cpuLoad = cpuBetween(at.atStart, at.atLoadEnd, roles, env.databaseName(), load.cpuPercent);
  result.cpuDrain = cpuBetween(at.atLoadEnd, atDrainEnd, roles, env.databaseName());
  result.e2eLatency = latencyOf(await reader.timings(flow.flowId));
}

async function measure(env: Environment, ws: Workspace, flow: BenchFlow, settings: Settings, runDir: string, result: ConfigResult): Promise<void> {
  const reader = await env.reader();
  try {
    const roles = { web: [env.web!.pid], workers: env.workerPids() };
    const snapshots = await runLoad(env, flow, settings, runDir, roles, result);
    await drain(env, reader, flow, roles, snapshots, result);
    const problem = await verifyExecution(ws, flow.flowId);
    if (problem) result.notes.push(`the newest succeeded execution did not run the flow as expected: ${problem}`);
  } finally {
    await reader.close();
  }
}

async function runConfig(config: BenchConfig, settings: Settings, runDir: string, active: Set<Closable>): Promise<ConfigResult> {
  const env = new Environment(config, runDir);
  active.add(env);
  const result: ConfigResult = { config, processes: [], notes: [] };
  console.log(`\n== ${config.label}: starting`);
  try {
    const { ws, flow } = await prepare(env, settings, result.notes);
    console.log(`== ${config.label}: ${settings.duration} s of load with ${settings.connections} connections`);
    await measure(env, ws, flow, settings, runDir, result);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    console.error(`== ${config.label}: failed: ${result.error}`);
  } finally {
    result.processes = env.report();
    await env.close();
    active.delete(env);
  }
  return result;
}

/** Node-RED 5 in a temporary folder when BENCH_NODE_RED=1; removed at the end (or on an interrupt). */
async function nodeRedIfAsked(active: Set<Closable>): Promise<NodeRedInstall | undefined> {
  const raw = process.env.BENCH_NODE_RED ?? '0';
  if (raw !== '0' && raw !== '1') throw new Error(`BENCH_NODE_RED must be 0 or 1, got "${raw}"`);
  if (raw === '0') return undefined;
  const install = await installNodeRed((line) => console.log(line));
  active.add(install);
  return install;
}

async function main(): Promise<void> {
  const settings: Settings = { duration: positive('BENCH_DURATION', 15), connections: positive('BENCH_CONNECTIONS', 100), warmup: positive('BENCH_WARMUP', 500) };
  const configs = selectedConfigs();
  const { runDir, active, machine: m } = await startSession('switchboard-bench-');
  const nodeRed = await nodeRedIfAsked(active);
  const refs: ReferenceResult[] = [await runReference('bare', 'bare node:http (before)', settings, runDir, active)];
  if (nodeRed) refs.push(await runReference('node-red', 'Node-RED', settings, runDir, active, nodeRed));
  const results: ConfigResult[] = [];
  for (const config of configs) results.push(await runConfig(config, settings, runDir, active));
  refs.push(await runReference('bare', 'bare node:http (after)', settings, runDir, active));
  if (nodeRed) {
    await nodeRed.close();
    active.delete(nodeRed);
  }
  printResults(results, refs, m);
  const output = process.env.BENCH_OUTPUT ?? 'docs/benchmarks.md';
  if (output !== '-') {
    writeResults(resolve(ROOT, output), resultsSection(results, refs, m, settings, configs.map((c) => c.id)));
    console.log(`results written to ${output}`);
  }
}

runMain(main);
