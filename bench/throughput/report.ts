import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { CpuSplit } from './cpu.js';
import type { ExecutionCounts } from './db.js';
import type { BenchConfig, ProcessReport } from './environment.js';
import type { LoadResult } from './load.js';
import { describeMachine, type Machine } from './machine.js';
import { baseline, ratioHead, ratioRows, REFERENCE_HEAD, referenceNotes, referenceRows } from './ratios.js';
import type { ReferenceResult } from './references.js';
import { markdownTable, textTable } from './tables.js';

/** The project's stated goal: ≥ 2,000 executions/s end to end with 0 errors at 100 connections. */
export const TARGET_PER_SEC = 2000;

export interface ConfigResult {
  config: BenchConfig;
  /** Set when the configuration could not be measured to the end. */
  error?: string;
  load?: LoadResult;
  counts?: ExecutionCounts;
  /** Every accepted execution reached a final status before the deadline. */
  settled?: boolean;
  /** From the load's start to the last finishedAt. */
  e2eSeconds?: number;
  e2ePerSec?: number;
  /** From the load's end to the last finishedAt (the backlog left when the load stopped). */
  drainSeconds?: number;
  /** Stored (createdAt) → finished (finishedAt), ms. */
  e2eLatency?: { p50: number; p99: number };
  /** The 2 s before the load, Switchboard idle: what the rest of the machine was using. */
  cpuBefore?: CpuSplit;
  cpuLoad?: CpuSplit;
  cpuDrain?: CpuSplit;
  processes: ProcessReport[];
  /** Things seen along the way that a reader of the figures should know. */
  notes: string[];
}

export interface Settings {
  duration: number;
  connections: number;
  warmup: number;
}

const n0 = (v: number | undefined) => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const n1 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(1));

const errorsOf = (load: LoadResult) => load.non2xx + load.socketErrors;

export function targetMet(r: ConfigResult): boolean {
  return !r.error && !!r.load && errorsOf(r.load) === 0 && !!r.settled && (r.counts?.byStatus.failed ?? 0) === 0 && (r.e2ePerSec ?? 0) >= TARGET_PER_SEC;
}

const HEAD = ['configuration', 'accepted req/s', 'accept p50 ms', 'accept p99 ms', 'errors', 'accepted', 'succeeded', 'failed', 'still pending', 'end-to-end exec/s', 'drain s', 'stored→finished p50 / p99 ms', `≥ ${TARGET_PER_SEC}/s, 0 errors`];

function errorCell(load: LoadResult): string {
  const parts = [
    load.non2xx ? `${n0(load.non2xx)} non-2xx: ${Object.entries(load.statusCodes).filter(([c]) => !c.startsWith('2')).map(([c, k]) => `${k}×${c}`).join(', ')}` : '',
    load.socketErrors ? `${n0(load.socketErrors)} socket errors, ${n0(load.timeouts)} of them timeouts` : '',
    load.unanswered ? `${n0(load.unanswered)} in flight at the end` : '',
  ].filter(Boolean);
  return `${n0(errorsOf(load))}${parts.length ? ` (${parts.join('; ')})` : ''}`;
}

function row(r: ConfigResult): string[] {
  const { load, counts } = r;
  const answered = load ? load.accepted + load.non2xx > 0 : false;
  return [
    r.config.label,
    n0(load?.acceptedPerSec),
    answered ? n1(load?.latency.p50) : '–',
    answered ? n1(load?.latency.p99) : '–',
    load ? errorCell(load) : '–',
    n0(load?.accepted),
    n0(counts?.byStatus.succeeded ?? (counts ? 0 : undefined)),
    n0(counts?.byStatus.failed ?? (counts ? 0 : undefined)),
    n0(counts?.pending),
    n0(r.e2ePerSec),
    n1(r.drainSeconds),
    r.e2eLatency && counts?.byStatus.succeeded ? `${n0(r.e2eLatency.p50)} / ${n0(r.e2eLatency.p99)}` : '–',
    r.error ? `no (${r.error.split('\n')[0].slice(0, 80)})` : targetMet(r) ? 'yes' : 'no',
  ];
}

const CPU_HEAD = ['configuration', 'phase', 'seconds', 'web %', 'workers %', 'load generator %', 'postgres %', 'redis %', 'everything else %', 'machine busy % (of all cores)', 'RSS at the end, web / workers MiB'];

function cpuRows(r: ConfigResult): string[][] {
  const phases: [string, CpuSplit | undefined, number | undefined][] = [
    ['before (idle)', r.cpuBefore, undefined],
    ['load', r.cpuLoad, r.load?.cpuPercent],
    ['drain', r.cpuDrain, undefined],
  ];
  return phases
    .filter(([, split]) => split)
    .map(([phase, s, loadGen]) => [r.config.label, phase, n1(s!.seconds), n0(s!.roles.web), r.config.workers ? n0(s!.roles.workers) : '–', loadGen === undefined ? '–' : n0(loadGen), n0(s!.postgres), n0(s!.redis), n0(s!.others), n0(s!.machineBusy), `${n0(s!.rssMiB.web)} / ${r.config.workers ? n0(s!.rssMiB.workers) : '–'}`]);
}

const PER_EXEC_HEAD = ['configuration', 'web ms', 'workers ms', 'postgres ms', 'redis ms', 'Switchboard + postgres + redis ms', 'ceiling on these cores, exec/s'];

/** CPU time (load and drain windows) per succeeded execution, ms, per role and in total (Switchboard + PostgreSQL + Redis). */
function cpuMsPerExecution(r: ConfigResult) {
  const done = r.counts?.byStatus.succeeded ?? 0;
  if (!r.cpuLoad || !r.cpuDrain || !r.load || !done) return null;
  const windows = [r.cpuLoad, r.cpuDrain];
  const ms = (pick: (s: CpuSplit) => number) => windows.reduce((sum, s) => sum + (pick(s) / 100) * s.seconds, 0) * (1000 / done);
  return {
    web: ms((s) => s.roles.web),
    workers: ms((s) => s.roles.workers ?? 0),
    postgres: ms((s) => s.postgres),
    redis: ms((s) => s.redis),
    total: ms((s) => Object.values(s.roles).reduce((a, b) => a + b, 0) + s.postgres + s.redis),
  };
}

/** CPU time per succeeded execution, and what the cores could do at that cost. */
function perExecutionRow(r: ConfigResult): string[] | null {
  const ms = cpuMsPerExecution(r);
  if (!ms) return null;
  const cores = cpus().length;
  return [
    r.config.label,
    n1(ms.web),
    r.config.workers ? n1(ms.workers) : '–',
    n1(ms.postgres),
    r.config.mode === 'queue' ? n1(ms.redis) : '–',
    n1(ms.total),
    ms.total > 0 ? n0((cores * 1000) / ms.total) : '–',
  ];
}

const perExecutionRows = (results: ConfigResult[]) => results.map(perExecutionRow).filter((r): r is string[] => r !== null);

const totalCpuMs = (r: ConfigResult) => cpuMsPerExecution(r)?.total;

export function printResults(results: ConfigResult[], refs: ReferenceResult[], m: Machine): void {
  const b = baseline(refs);
  console.log(`\nMachine: ${describeMachine(m)}\n`);
  console.log(`${textTable(HEAD, results.map(row))}\n`);
  console.log(`${textTable(CPU_HEAD, results.flatMap(cpuRows))}\n`);
  console.log(`CPU time per succeeded execution:\n${textTable(PER_EXEC_HEAD, perExecutionRows(results))}\n`);
  console.log(`References, same load generator and load:\n${textTable(REFERENCE_HEAD, referenceRows(refs))}\n`);
  console.log(`Switchboard against the references:\n${textTable(ratioHead(b), ratioRows(results, b, totalCpuMs))}\n`);
  for (const line of [...referenceNotes(refs).map((n) => `- ${n}`), ...processNotes(results)]) console.log(line);
}

/** Crashes, and whatever the processes logged at warn or above, per configuration. */
function processNotes(results: ConfigResult[]): string[] {
  const notes: string[] = [];
  for (const r of results) {
    if (r.error) notes.push(`- **${r.config.label}** did not complete: \`${r.error.split('\n')[0]}\``);
    for (const note of r.notes) notes.push(`- ${r.config.label}: ${note}`);
    for (const p of r.processes) {
      if (p.exit) notes.push(`- ${r.config.label}, ${p.name}: exited during the run (${p.exit})`);
      const top = Object.entries(p.messages).sort((a, b) => b[1] - a[1]).slice(0, 5);
      for (const [msg, count] of top) notes.push(`- ${r.config.label}, ${p.name}: ${count} × \`${msg.replace(/`/g, "'")}\``);
    }
  }
  return notes;
}

export const START_MARK = '<!-- bench:results:start (written by `npm run bench`; edit outside these marks) -->';
export const END_MARK = '<!-- bench:results:end -->';

export function resultsSection(results: ConfigResult[], refs: ReferenceResult[], m: Machine, s: Settings, selected: string[]): string {
  const notes = processNotes(results);
  const b = baseline(refs);
  return [
    START_MARK,
    `## Results (${m.date.slice(0, 10)}, ${m.cpuModel})`,
    '',
    `- Machine: ${describeMachine(m)}.`,
    `- Run: ${m.date}, configurations \`${selected.join(',')}\`, ${s.connections} connections, ${s.duration} s of load each, after ${s.warmup} warm-up requests; references: ${refs.map((r) => r.label).join(', ')}.`,
    `- Absolute figures below were taken on this CPU model (${m.cpuModel}) and compare only with figures from the same model; the ratios are meant to compare across machines.`,
    '',
    '### Against this machine (same sitting, same load generator)',
    '',
    markdownTable(ratioHead(b), ratioRows(results, b, totalCpuMs)),
    '',
    'Each rate divided by the bare node:http server\'s answered requests per second (the mean of its runs before and after the configurations)' +
      (b.nodeRed ? ' and by Node-RED\'s (which answers after running the flow in memory, so its rate is also its finished flows per second)' : '') +
      '; the last column divides Switchboard + PostgreSQL + Redis CPU per succeeded execution by the bare server\'s CPU per request.',
    '',
    markdownTable(REFERENCE_HEAD, referenceRows(refs)),
    '',
    ...referenceNotes(refs).map((n) => `- ${n}`),
    '',
    `### Switchboard (absolute, ${m.cpuModel})`,
    '',
    markdownTable(HEAD, results.map(row)),
    '',
    'CPU during the load and during the drain that follows it (100 % = one core; the machine has ' + `${m.cpuCount} cores, so "machine busy" 100 % = all of them):`,
    '',
    markdownTable(CPU_HEAD, results.flatMap(cpuRows)),
    '',
    'CPU time per succeeded execution (load and drain windows together). The last column divides the cores by the cost of Switchboard, PostgreSQL and Redis together: the most these cores could finish per second at that cost with nothing else running (no load generator, no kernel network cost).',
    '',
    markdownTable(PER_EXEC_HEAD, perExecutionRows(results)),
    '',
    notes.length ? 'What the processes logged (LOG_LEVEL=warn, so every line is a warning or an error), and crashes:' : 'No process crashed or logged anything at warn level or above.',
    '',
    ...notes,
    END_MARK,
  ].join('\n');
}

const SKELETON = `# Benchmarks

${START_MARK}
${END_MARK}
`;

/** Replaces the section between `marks` (the throughput results by default), keeping everything written around it. */
export function writeResults(path: string, section: string, marks: { start: string; end: string } = { start: START_MARK, end: END_MARK }): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  const start = current.indexOf(marks.start);
  const end = current.indexOf(marks.end);
  const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + marks.end.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
