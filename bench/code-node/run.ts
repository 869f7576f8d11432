/**
 * Per-call overhead of the code node: the same function run natively and in the isolate, cold (a new
 * isolate for the call) and warm (the pool's isolate and its realm), one call at a time and
 * with calls in flight. Run by hand: `npm run bench:code-node` (figures go to docs/benchmarks.md by hand).
 *
 *   BENCH_CALLS  warm calls per measurement (default 5000)
 */
import { cpus, loadavg } from 'node:os';
import ivm from 'isolated-vm';
import { IsolatePool } from '../../nodes/code/javascript/isolate-pool.js';
import { HARDEN } from '../../nodes/code/javascript/harden.js';
import { PRELUDE } from '../../nodes/code/javascript/prelude.js';
import { Realm } from '../../nodes/code/javascript/realm.js';
import { runCode, type CodeCall } from '../../nodes/code/javascript/run-code.js';
import { cpuModel, gitCommit } from '../throughput/machine.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 5000);
const COLD_CALLS = 40;
const IN_FLIGHT = 8;
const TARGET_WARM_OVERHEAD_MS = 0.2;

const INPUT = { id: 'ord_1', tags: ['new', 'vip'], items: Array.from({ length: 5 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1, price: 9.5 + i })) };

/** A typical small transform: sum an order, flag a tag. Its body, as text, is what runs in the isolate. */
async function transform(input: typeof INPUT) {
  const total = input.items.reduce((sum, item) => sum + item.qty * item.price, 0);
  return { id: input.id, total, vip: input.tags.includes('vip'), lines: input.items.length };
}
const source = transform.toString();
const BODY = source.slice(source.indexOf('{') + 1, source.lastIndexOf('}'));
const native = transform;

const call = (pool: IsolatePool, tenant = 'bench'): Promise<unknown> => {
  const request: CodeCall = {
    code: BODY,
    args: { input: INPUT, execution: { id: 'e', flowId: 'f' } },
    tenant,
    limits: { memoryMb: 64, timeLimitMs: 1000 },
    signal: new AbortController().signal,
  };
  return runCode(pool, request).then((outcome) => outcome.value);
};

interface Figures {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

function figures(times: number[]): Figures {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  return { meanMs: times.reduce((a, b) => a + b, 0) / times.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function timeEach(n: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Wall and process CPU (every thread) per call with `inFlight` calls running at once. */
async function concurrent(n: number, inFlight: number, work: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < n) await work();
    }),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: wall / n, cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

const ms = (value: number) => value.toFixed(3);

/**
 * Where a warm call's time goes, measured on a bare isolate: making a realm (a context hardened and with the
 * prelude run in it, which the pool makes only when a realm is replaced, not per call), and one round trip to
 * the isolate's thread for a trivial script.
 */
async function breakdown(n: number): Promise<{ realmMs: number; hopMs: number }> {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const harden = await isolate.compileScript(HARDEN);
    const prelude = await isolate.compileScript(PRELUDE);
    const realmTimes = await timeEach(Math.min(n, 200), async () => (await Realm.create(isolate, harden, prelude)).release());
    const kept = await isolate.createContext();
    const trivial = await isolate.compileScript('1');
    const hopTimes = await timeEach(n, () => trivial.run(kept));
    return { realmMs: figures(realmTimes).meanMs, hopMs: figures(hopTimes).meanMs };
  } finally {
    isolate.dispose();
  }
}

async function main(): Promise<void> {
  const expected = JSON.stringify(await native(INPUT));
  const pool = new IsolatePool({ isolates: 8, perKey: 2 });
  if (JSON.stringify(await call(pool)) !== expected) throw new Error('the isolate and the native function disagree');

  // Warm both sides before timing.
  await timeEach(1000, () => native(INPUT));
  await timeEach(1000, () => call(pool));

  // Native includes the JSON copy in and out that the node does too (input and output cross as JSON).
  const nativeCall = () => native(JSON.parse(JSON.stringify(INPUT))).then((v) => JSON.parse(JSON.stringify(v)));
  const nativeTimes = figures(await timeEach(CALLS, nativeCall));
  const warmTimes = figures(await timeEach(CALLS, () => call(pool)));
  const warmBusy = await concurrent(CALLS, IN_FLIGHT, () => call(pool));
  const nativeBusy = await concurrent(CALLS, IN_FLIGHT, nativeCall);
  const coldTimes = figures(
    await timeEach(COLD_CALLS, async () => {
      const fresh = new IsolatePool({ isolates: 1, perKey: 1 });
      try {
        await call(fresh);
      } finally {
        fresh.close();
      }
    }),
  );
  pool.close();
  const parts = await breakdown(CALLS);

  const overhead = warmTimes.meanMs - nativeTimes.meanMs;
  const rows: [string, string, string, string][] = [
    ['native (same function, JSON in and out)', ms(nativeTimes.meanMs), ms(nativeTimes.p50Ms), ms(nativeTimes.p99Ms)],
    ['isolate, warm (the sub-account\'s hardened realm)', ms(warmTimes.meanMs), ms(warmTimes.p50Ms), ms(warmTimes.p99Ms)],
    ['isolate, cold (new isolate per call)', ms(coldTimes.meanMs), ms(coldTimes.p50Ms), ms(coldTimes.p99Ms)],
  ];
  const [cpu1, cpu5] = loadavg();
  console.log(`code.javascript per-call overhead — ${new Date().toISOString()}`);
  console.log(`CPU: ${cpuModel()} × ${cpus().length}, Node.js ${process.version}, commit ${gitCommit()}, load average ${cpu1.toFixed(2)} (1 min) ${cpu5.toFixed(2)} (5 min)`);
  console.log('');
  console.log('| one call at a time | mean ms | p50 ms | p99 ms |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
  console.log(`| ${IN_FLIGHT} calls in flight, one sub-account | wall ms per call | process CPU ms per call (all threads) |`);
  console.log('|---|---|---|');
  console.log(`| native | ${ms(nativeBusy.wallMs)} | ${ms(nativeBusy.cpuMs)} |`);
  console.log(`| isolate, warm | ${ms(warmBusy.wallMs)} | ${ms(warmBusy.cpuMs)} |`);
  console.log('');
  console.log(`Warm overhead per call (isolate − native, one at a time): ${ms(overhead)} ms; target < ${TARGET_WARM_OVERHEAD_MS} ms: ${overhead < TARGET_WARM_OVERHEAD_MS ? 'met' : 'NOT met'}.`);
  console.log(`Cold overhead per call: ${ms(coldTimes.meanMs - nativeTimes.meanMs)} ms.`);
  console.log(`Making a realm (only when one is replaced): ${ms(parts.realmMs)} ms; one round trip to the isolate's thread: ${ms(parts.hopMs)} ms (bare isolate, one at a time).`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
