import type { Sample } from './sample.js';

/**
 * The soak's verdicts, from the samples taken after the warm-up period:
 *
 * - memory: a least-squares line through the RSS samples grows less than 5 % from its start to its end;
 * - database: in the last third, once retention prunes, the same line through database + WAL size
 *   grows less than 5 % (not judged when the last third begins before pruning can be steady);
 * - latency: the median of the windows' accept p99 in the last third is at most 25 % (or 5 ms, whichever
 *   is larger) above the first third's (the worst window is named beside it: a periodic stall such as a
 *   prune moves no median);
 * - kept up: the backlog (executions pending) in the last third stays under 5 s of load;
 * - nothing lost: no error or non-2xx answer, no failed execution, nothing pending after the drain, and
 *   the newest execution ran the flow as expected.
 */
export interface Verdict {
  check: string;
  /** null: not judged (the run was too short to say). */
  pass: boolean | null;
  detail: string;
}

export interface Outcome {
  rate: number;
  warmupSeconds: number;
  /** Seconds after the load's start from which pruning keeps the database at its working size. */
  steadyFromSeconds: number;
  pendingAfterDrain: number;
  /** A problem found in the newest execution, or null. */
  verifyProblem: string | null;
}

export const RSS_GROWTH_LIMIT = 0.05;
export const DB_GROWTH_LIMIT = 0.05;
export const P99_SLACK = { factor: 1.25, ms: 5 };
export const BACKLOG_SECONDS = 5;
const MIN_SAMPLES = 6;

/** Least-squares line y = intercept + slope·x. */
export function fitLine(points: [number, number][]): { slope: number; intercept: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}

/** Fitted value at the first and last sample, and the growth between them. */
function growth(samples: Sample[], pick: (s: Sample) => number) {
  const line = fitLine(samples.map((s) => [s.t, pick(s)]));
  const from = line.intercept + line.slope * samples[0].t;
  const to = line.intercept + line.slope * samples.at(-1)!.t;
  return { from, to, growth: from > 0 ? (to - from) / from : 0 };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
};
const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;
const mib = (v: number) => `${v.toFixed(0)} MiB`;
const span = (samples: Sample[]) => `${samples[0].t.toFixed(0)}–${samples.at(-1)!.t.toFixed(0)} s`;

function thirds(samples: Sample[]): [Sample[], Sample[], Sample[]] {
  const n = samples.length;
  return [samples.slice(0, Math.floor(n / 3)), samples.slice(Math.floor(n / 3), Math.floor((2 * n) / 3)), samples.slice(Math.floor((2 * n) / 3))];
}

function memory(post: Sample[], role: 'web' | 'workers'): Verdict {
  const g = growth(post, (s) => (role === 'web' ? s.webRssMiB : s.workersRssMiB));
  return {
    check: `${role} RSS grows < ${RSS_GROWTH_LIMIT * 100} % (linear fit, ${span(post)})`,
    pass: g.growth < RSS_GROWTH_LIMIT,
    detail: `fitted ${mib(g.from)} → ${mib(g.to)} (${pct(g.growth)})`,
  };
}

function database(last: Sample[], all: Sample[], o: Outcome): Verdict {
  const check = `database + WAL flat in the last third (< ${DB_GROWTH_LIMIT * 100} % growth once pruning is steady, from ${o.steadyFromSeconds.toFixed(0)} s)`;
  const size = (s: Sample) => s.dbMiB + (s.walMiB ?? 0);
  const whole = `${mib(size(all[0]))} at ${all[0].t.toFixed(0)} s, ${mib(Math.max(...all.map(size)))} at most, ${mib(size(all.at(-1)!))} at the end`;
  if (last[0].t < o.steadyFromSeconds) return { check, pass: null, detail: `not judged: the last third begins at ${last[0].t.toFixed(0)} s, before pruning can keep the size steady; ${whole}` };
  const g = growth(last, size);
  return { check, pass: g.growth < DB_GROWTH_LIMIT, detail: `fitted ${mib(g.from)} → ${mib(g.to)} (${pct(g.growth)}, ${span(last)}); ${whole}` };
}

function latency(first: Sample[], middle: Sample[], last: Sample[]): Verdict {
  const usable = (samples: Sample[]) => samples.filter((s) => s.window.answered >= 100).map((s) => s.window.p99);
  const [a, b] = [median(usable(first)), median(usable(last))];
  const limit = Math.max(a * P99_SLACK.factor, a + P99_SLACK.ms);
  // The medians ignore a stall that hits one window in several (a prune, say): name the worst window too.
  const worst = [...first, ...middle, ...last].reduce((w, s) => (s.window.p99 > w.window.p99 ? s : w));
  return {
    check: `accept p99 flat (median of windows, last third ≤ first third × ${P99_SLACK.factor} or + ${P99_SLACK.ms} ms)`,
    pass: usable(first).length > 0 && usable(last).length > 0 ? b <= limit : null,
    detail: `first third ${a.toFixed(1)} ms (${span(first)}), last third ${b.toFixed(1)} ms (${span(last)}), limit ${limit.toFixed(1)} ms; worst window p99 ${worst.window.p99.toFixed(0)} ms (p50 ${worst.window.p50.toFixed(0)} ms) at ${worst.t.toFixed(0)} s`,
  };
}

function keptUp(last: Sample[], o: Outcome): Verdict {
  const most = Math.max(...last.map((s) => s.pending));
  const limit = o.rate * BACKLOG_SECONDS;
  return { check: `kept up with ${o.rate}/s (pending in the last third < ${BACKLOG_SECONDS} s of load)`, pass: most < limit, detail: `at most ${most.toLocaleString('en-US')} pending (limit ${limit.toLocaleString('en-US')})` };
}

function nothingLost(all: Sample[], o: Outcome): Verdict {
  const w = all.at(-1)!.window;
  const failed = Math.max(...all.map((s) => s.failedStored));
  const problems = [
    w.errors ? `${w.errors} requests failed (socket error or 10 s timeout)` : '',
    w.non2xx ? `${w.non2xx} non-2xx answers (${Object.entries(w.statusCodes).filter(([c]) => !c.startsWith('2')).map(([c, k]) => `${k}×${c}`).join(', ')})` : '',
    failed ? `up to ${failed} failed executions seen in a sample` : '',
    o.pendingAfterDrain ? `${o.pendingAfterDrain} still pending after the drain` : '',
    o.verifyProblem ?? '',
  ].filter(Boolean);
  return {
    check: 'nothing lost (every request answered 2xx, every execution finished, none failed, the newest ran the flow right)',
    pass: problems.length === 0,
    detail: problems.length ? problems.join('; ') : `${w.ok.toLocaleString('en-US')} of ${w.sent.toLocaleString('en-US')} requests accepted, all finished`,
  };
}

export function judge(samples: Sample[], o: Outcome): Verdict[] {
  const post = samples.filter((s) => s.t >= o.warmupSeconds && !s.window.final);
  const lost = nothingLost(samples, o);
  if (post.length < MIN_SAMPLES) {
    const detail = `not judged: ${post.length} samples after the ${o.warmupSeconds} s warm-up, ${MIN_SAMPLES} needed (more SOAK_EXECUTIONS, a lower SOAK_RATE or a shorter SOAK_WARMUP_SECONDS)`;
    return [{ check: 'memory, database, latency, backlog', pass: null, detail }, lost];
  }
  const [first, middle, last] = thirds(post);
  const workers = post.some((s) => s.workersRssMiB > 0);
  return [memory(post, 'web'), ...(workers ? [memory(post, 'workers')] : []), database(last, samples, o), latency(first, middle, last), keptUp(last, o), lost];
}
