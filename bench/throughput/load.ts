import type autocannon from 'autocannon';
import { spawnTs, type Child } from './processes.js';

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  body: string;
}

export interface LoadResult {
  startMs: number;
  endMs: number;
  /** CPU the load generator itself used, in % of one core over its run. */
  cpuPercent: number;
  /** 2xx answers. */
  accepted: number;
  acceptedPerSec: number;
  non2xx: number;
  /** Socket errors, timeouts included. */
  socketErrors: number;
  timeouts: number;
  /** Requests sent that had no answer yet when the load stopped (autocannon drops them, uncounted). */
  unanswered: number;
  statusCodes: Record<string, number>;
  latency: { p50: number; p99: number; mean: number; max: number };
}

export interface RunningLoad {
  child: Child;
  /** Resolves when the load generator says it has started sending. */
  started: Promise<void>;
  finished: Promise<LoadResult>;
}

function summarize(raw: { startMs: number; endMs: number; cpuMicros: number; result: autocannon.Result }): LoadResult {
  const r = raw.result;
  const seconds = (raw.endMs - raw.startMs) / 1000;
  const codes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s?.count ?? 0]));
  return {
    startMs: raw.startMs,
    endMs: raw.endMs,
    cpuPercent: seconds > 0 ? raw.cpuMicros / 1e4 / seconds : 0,
    accepted: r['2xx'],
    acceptedPerSec: r['2xx'] / r.duration,
    non2xx: r.non2xx,
    socketErrors: r.errors,
    timeouts: r.timeouts,
    unanswered: Math.max(0, r.requests.sent - r.requests.total - r.errors),
    statusCodes: codes,
    latency: { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean, max: r.latency.max },
  };
}

/** Starts autocannon in a second process (bench/throughput/load-child.ts) against a loopback URL. */
export function startLoad(options: LoadOptions, logFile: string): RunningLoad {
  if (new URL(options.url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${options.url}: loopback only`);
  const child = spawnTs('load', ['bench/throughput/load-child.ts', JSON.stringify(options)], {}, logFile);
  let result: LoadResult | null = null;
  let onStarted!: () => void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  child.onLine((line) => {
    if (line === 'START') onStarted();
    else if (line.startsWith('RESULT ')) result = summarize(JSON.parse(line.slice(7)));
  });
  const finished = new Promise<LoadResult>((resolve, reject) => {
    const timer = setInterval(() => {
      const exit = child.exited();
      if (!exit) return;
      clearInterval(timer);
      if (result) resolve(result);
      else reject(new Error(`load generator exited (code ${exit.code}, signal ${exit.signal}) without a result:\n${child.tail()}`));
    }, 100);
  });
  return { child, started, finished };
}
