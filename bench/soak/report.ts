import type { CpuSplit } from '../throughput/cpu.js';
import type { BenchConfig, ProcessReport } from '../throughput/environment.js';
import { describeMachine, type Machine } from '../throughput/machine.js';
import type { Calibration } from './calibrate.js';
import type { Sample } from './sample.js';
import type { Verdict } from './verdict.js';
import { markdownTable, textTable } from '../throughput/tables.js';

export const SOAK_START_MARK = '<!-- bench:soak:start (written by `npm run bench:soak`; edit outside these marks) -->';
export const SOAK_END_MARK = '<!-- bench:soak:end -->';

export interface SoakRun {
  machine: Machine;
  config: BenchConfig;
  executions: number;
  rate: number;
  /** Set when the rate is a share of a calibration run. */
  rateShare?: number;
  calibration?: Calibration;
  retentionMinutes: number;
  pruneEveryMinutes: number;
  sampleSeconds: number;
  warmupSeconds: number;
  connections: number;
  loadSeconds?: number;
  drainSeconds?: number;
  /** CPU over the whole load (first to last sample). */
  cpu?: CpuSplit;
  samples: Sample[];
  verdicts: Verdict[];
  error?: string;
  processes: ProcessReport[];
  samplesFile: string;
}

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const n1 = (v: number) => v.toFixed(1);

const HEAD = ['t s', 'sent', 'accepted', 'finished', 'pending', 'stored', 'accept p50 / p99 / max ms', 'generator late ms', 'web RSS MiB', 'workers RSS MiB', 'web / workers CPU %', 'everything else %', 'machine busy %', 'DB MiB', 'WAL MiB'];

function row(s: Sample): string[] {
  const w = s.window;
  const workers = s.workersRssMiB > 0;
  return [
    n0(s.t), n0(w.sent), n0(w.ok), n0(s.finished), n0(s.pending), n0(s.stored), `${n1(w.p50)} / ${n1(w.p99)} / ${n0(w.max)}`, n0(w.lagMs),
    n0(s.webRssMiB), workers ? n0(s.workersRssMiB) : '–', `${n0(s.webCpu)} / ${workers ? n0(s.workersCpu) : '–'}`, n0(s.others), n0(s.machineBusy), n1(s.dbMiB), s.walMiB === null ? '–' : n1(s.walMiB),
  ];
}

/** At most `most` rows, evenly spaced, always with the last. */
function thin(samples: Sample[], most: number): Sample[] {
  if (samples.length <= most) return samples;
  const step = Math.ceil(samples.length / most);
  return samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
}

const mark = (v: Verdict) => (v.pass === null ? 'not judged' : v.pass ? 'pass' : 'FAIL');

function rateText(r: SoakRun): string {
  if (!r.calibration) return `${n0(r.rate)}/s (SOAK_RATE)`;
  const c = r.calibration;
  return `${n0(r.rate)}/s, ${Math.round((r.rateShare ?? 0) * 100)} % of the ${n0(c.e2ePerSec)} executions/s end to end this machine sustained in a ${c.seconds}-s calibration at 100 connections (accepted ${n0(c.acceptedPerSec)} req/s)`;
}

function cpuText(r: SoakRun): string | null {
  const c = r.cpu;
  const finished = r.samples.at(-1)?.finished ?? 0;
  if (!c || !finished) return null;
  const ms = (percent: number) => ((percent / 100) * c.seconds * 1000) / finished;
  const pg = r.config.database === 'postgres' ? c.postgres : 0;
  const redis = r.config.mode === 'queue' ? c.redis : 0;
  const parts = [`web ${ms(c.roles.web).toFixed(2)} ms`, ...(r.config.workers ? [`workers ${ms(c.roles.workers).toFixed(2)} ms`] : []), ...(pg ? [`PostgreSQL ${ms(pg).toFixed(2)} ms`] : []), ...(redis ? [`Redis ${ms(redis).toFixed(2)} ms`] : [])];
  const total = ms(c.roles.web + (c.roles.workers ?? 0) + pg + redis);
  return `CPU per finished execution over the load (pruning included): ${parts.join(', ')}; ${total.toFixed(2)} ms in all; the machine was ${n0(c.machineBusy)} % busy (all cores, everything on it).`;
}

function processNotes(r: SoakRun): string[] {
  const notes = r.error ? [`The soak did not complete: \`${r.error.split('\n')[0]}\``] : [];
  for (const p of r.processes) {
    if (p.exit) notes.push(`${p.name}: exited during the run (${p.exit})`);
    const top = Object.entries(p.messages).sort((a, b) => b[1] - a[1]).slice(0, 5);
    for (const [msg, count] of top) notes.push(`${p.name}: ${count} × \`${msg.replace(/`/g, "'")}\``);
  }
  return notes;
}

function summary(r: SoakRun): string[] {
  const duration = r.loadSeconds === undefined ? 'did not finish' : `${n0(r.loadSeconds)} s of load, ${n0(r.drainSeconds ?? 0)} s of drain after it`;
  return [
    `- Machine: ${describeMachine(r.machine)}.`,
    `- Run: ${r.machine.date}, ${r.config.label} (\`SOAK_CONFIG=${r.config.id}\`); ${n0(r.executions)} executions of the throughput flow at ${rateText(r)}, ${r.connections} connections at most; ${duration}.`,
    `- Retention: EXECUTION_RETENTION_MINUTES=${r.retentionMinutes} (pruned every ${r.pruneEveryMinutes} min); samples every ${r.sampleSeconds} s; verdicts from the samples after a ${r.warmupSeconds}-s warm-up.`,
    ...(cpuText(r) ? [`- ${cpuText(r)}`] : []),
  ];
}

export function printSoak(r: SoakRun): void {
  console.log(`\n${summary(r).join('\n')}\n`);
  console.log(`${textTable(HEAD, r.samples.map(row))}\n`);
  for (const v of r.verdicts) console.log(`${mark(v).padEnd(10)}  ${v.check}: ${v.detail}`);
  for (const n of processNotes(r)) console.log(`- ${n}`);
  console.log(`\nevery sample: ${r.samplesFile}`);
}

export function soakSection(r: SoakRun): string {
  const notes = processNotes(r);
  const shown = thin(r.samples, 24);
  return [
    SOAK_START_MARK,
    `## Soak results (${r.machine.date.slice(0, 10)}, ${r.machine.cpuModel})`,
    '',
    ...summary(r),
    '',
    markdownTable(['check', 'verdict', 'detail'], r.verdicts.map((v) => [v.check, mark(v), v.detail])),
    '',
    `Samples${shown.length < r.samples.length ? ` (${shown.length} of ${r.samples.length}, evenly spaced)` : ''}; sent, accepted and finished are totals so far; latencies, CPU and "generator late" (how late the load generator sent its latest request) are those of the window; "stored" is the soak flow's rows in \`executions\`; "everything else" is CPU of other programs, the load generator and the kernel (100 % = one core):`,
    '',
    markdownTable(HEAD, shown.map(row)),
    '',
    notes.length ? 'What the processes logged (LOG_LEVEL=warn), and crashes:' : 'No process crashed or logged anything at warn level or above.',
    '',
    ...notes.map((n) => `- ${n}`),
    SOAK_END_MARK,
  ].join('\n');
}
