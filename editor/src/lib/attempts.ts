import type { NodeRun } from './overlay.js';

export interface Attempt {
  attempt: number;
  status: string;
  message: string;
}

// The step runner logs each failed attempt it retries: "attempt 2 failed: <message>; retrying".
const RETRIED = /^attempt (\d+) failed: (.*); retrying$/s;

/** Each attempt of a step: the ones that failed and were retried (from its logs), then the last one. */
export function attemptsOf(run: NodeRun): Attempt[] {
  const out: Attempt[] = [];
  for (const line of run.logs ?? []) {
    const m = typeof line === 'string' ? RETRIED.exec(line) : null;
    if (m) out.push({ attempt: Number(m[1]), status: 'failed, retried', message: m[2] });
  }
  const last = run.attempt ?? (out.length ? out[out.length - 1].attempt + 1 : 1);
  if (run.status !== 'skipped' && !out.some((a) => a.attempt === last)) {
    out.push({ attempt: last, status: run.status, message: run.error?.message ?? '' });
  }
  return out;
}

