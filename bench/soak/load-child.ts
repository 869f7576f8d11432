/**
 * The soak's load generator, run as its own process by pace.ts. It sends `total` POSTs at a steady
 * `rate` per second, open loop: each request goes out when it is due, whether or not earlier ones were
 * answered (a stall on the server shows as latency, not as a slower rate), over at most `connections`
 * keep-alive connections (undici Pool). A request unanswered after 10 s counts as an error.
 *
 * Argument: JSON {url, rate, total, connections, windowSeconds, body}. Prints "START <ms>", then every
 * `windowSeconds` a line "WINDOW <json>" (Window below, requests answered within that window), and at
 * the end a last WINDOW with "final": true.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** What the paced load sends; `bench/soak/pace.ts` passes it to this process as JSON. */
export interface Options {
  url: string;
  rate: number;
  total: number;
  connections: number;
  windowSeconds: number;
  body: string;
}

export interface Window {
  /** Wall-clock end of the window, ms. */
  at: number;
  final: boolean;
  /** Cumulative: requests sent, answered 2xx, answered otherwise, failed (socket error or timeout). */
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Requests sent and not yet answered at the end of the window. */
  inFlight: number;
  /** Latency of the requests answered in this window (send → whole answer read), ms. */
  answered: number;
  p50: number;
  p99: number;
  max: number;
  /** How late the generator sent its most-late request in this window, ms (its own event loop lag). */
  lagMs: number;
  /** CPU this process used in the window, % of one core. */
  cpuPercent: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as Options;
  const url = new URL(o.url);
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to load ${o.url}: loopback only`);
  const pool = new Pool(url.origin, { connections: o.connections, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const totals = { sent: 0, ok: 0, non2xx: 0, errors: 0, statusCodes: {} as Record<string, number> };
  let latencies: number[] = [];
  let lagMs = 0;
  let inFlight = 0;
  let cpu = process.cpuUsage();
  let windowStart = performance.now();

  const send = async () => {
    inFlight++;
    const began = performance.now();
    try {
      const res = await pool.request({ path: url.pathname + url.search, method: 'POST', headers: { 'content-type': 'application/json' }, body: o.body });
      await res.body.dump();
      const code = String(res.statusCode);
      totals.statusCodes[code] = (totals.statusCodes[code] ?? 0) + 1;
      if (res.statusCode >= 200 && res.statusCode < 300) totals.ok++;
      else totals.non2xx++;
      latencies.push(performance.now() - began);
    } catch {
      totals.errors++;
    } finally {
      inFlight--;
    }
  };

  const report = (final: boolean) => {
    const sorted = latencies.sort((a, b) => a - b);
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const window: Window = {
      at: Date.now(),
      final,
      ...totals,
      inFlight,
      answered: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? 0,
      lagMs,
      cpuPercent: ((used.user + used.system) / 1000 / (now - windowStart)) * 100,
    };
    process.stdout.write(`WINDOW ${JSON.stringify(window)}\n`);
    latencies = [];
    lagMs = 0;
    cpu = process.cpuUsage();
    windowStart = now;
  };

  const start = performance.now();
  process.stdout.write(`START ${Date.now()}\n`);
  const windows = setInterval(() => report(false), o.windowSeconds * 1000);
  await new Promise<void>((resolve) => {
    const pacer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(o.total, Math.floor((o.rate * (now - start)) / 1000));
      if (due > totals.sent) lagMs = Math.max(lagMs, now - (start + ((totals.sent + 1) * 1000) / o.rate));
      while (totals.sent < due) {
        totals.sent++;
        void send();
      }
      if (totals.sent >= o.total) {
        clearInterval(pacer);
        resolve();
      }
    }, 2);
  });
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  clearInterval(windows);
  report(true);
  await pool.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
