// Where the opening of a 500-node flow spends its time: one open in Chromium under a performance trace,
// printed as the main thread's tasks over 4 ms (their time and CPU time; script, style, layout, paint in
// each), the requests, and when the nodes reached the DOM, were shown and their edges drawn.
// Run: npx tsx bench/editor/profile.ts [trace.json]: with a path, the raw trace is saved there for
// Chromium's Performance panel, and a CPU profile (sampled JavaScript, which slows the page down a
// little) beside it as <path>.cpuprofile.
import { writeFileSync } from 'node:fs';
import { bigFlowSession, NODES } from './graph.js';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** CPU time of the thread in the event: less sensitive than `dur` to other work on the machine. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { url?: string; requestId?: string }; name?: string };
}

const KINDS: Array<[string, RegExp]> = [
  ['script', /^(FunctionCall|EvaluateScript|v8\.compile|v8\.evaluateModule|TimerFire|FireAnimationFrame|EventDispatch|V8\.GC|MajorGC|MinorGC|RunMicrotasks|v8\.run)/],
  ['style', /^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet)/],
  ['layout', /^(Layout|UpdateLayerTree|IntersectionObserverController|ResizeObserverController)/],
  ['paint', /^(Paint|PrePaint|Layerize|Commit|CompositeLayers|RasterTask|UpdateLayer)/],
  ['parse', /^(ParseHTML)/],
];

const { server, browser, token, sid, flowId } = await bigFlowSession();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript((token) => localStorage.setItem('switchboard.token', token), token);
  const page = await context.newPage();
  const saveTo = process.argv[2];
  const cdp = await context.newCDPSession(page);
  if (saveTo) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading'] });
  const started = Date.now();
  await page.goto(`${server.url}/s/${sid}/flows/${flowId}`);
  await page.waitForFunction(`document.querySelectorAll('.react-flow__node').length === ${NODES}`, undefined, { timeout: 60_000, polling: 'raf' });
  const inDom = Date.now() - started;
  await page.waitForFunction(`document.querySelectorAll('.react-flow__node[style*="visibility: hidden"]').length === 0`, undefined, { timeout: 60_000, polling: 'raf' });
  const shown = Date.now() - started;
  await page.waitForFunction(`document.querySelectorAll('.react-flow__edge').length === ${NODES - 1}`, undefined, { timeout: 60_000, polling: 'raf' });
  const edges = Date.now() - started;
  await page.waitForTimeout(1500);
  const buffer = await browser.stopTracing();
  const profile = saveTo ? (await cdp.send('Profiler.stop')).profile : null;
  await context.close();
  if (saveTo) {
    writeFileSync(saveTo, buffer);
    writeFileSync(`${saveTo}.cpuprofile`, JSON.stringify(profile));
  }
  const events = (JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  // The page's renderer: the one that requested the page (Chromium's own pages have renderers too).
  const pagePid = events.find((e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.startsWith(server.url))?.pid;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === pagePid);
  if (!main) throw new Error('no renderer main thread in the trace');
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const t0 = events.filter((e) => e.name === 'ResourceSendRequest' && e.pid === main.pid)[0]?.ts ?? onMain[0]!.ts;
  const ms = (us: number) => Math.round(us / 1000);
  console.log(`navigation → DOM ${inDom} ms, shown ${shown} ms, edges ${edges} ms (wall clock from page.goto; the trace's 0 is the first request)`);
  const urls = new Map<string, string>();
  for (const e of events.filter((x) => x.pid === main.pid && (x.name === 'ResourceSendRequest' || x.name === 'ResourceFinish'))) {
    const id = e.args?.data?.requestId ?? '';
    if (e.args?.data?.url) urls.set(id, e.args.data.url.replace(server.url, ''));
    if (!urls.get(id)?.startsWith('/')) continue; // the page's own requests only
    console.log(`${String(ms(e.ts - t0)).padStart(6)} ms  ${e.name === 'ResourceSendRequest' ? 'request ' : 'finished'} ${urls.get(id) ?? id}`);
  }
  const tasks = onMain.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > 4000);
  let total = 0;
  let cpu = 0;
  for (const task of tasks) {
    const inside = onMain.filter((e) => e.ts >= task.ts && e.ts < task.ts + task.dur! && e !== task);
    const split = new Map<string, number>();
    // Count each kind's outermost events only, so nested ones are not counted twice.
    for (const [kind, pattern] of KINDS) {
      let end = 0;
      for (const e of inside) {
        if (!pattern.test(e.name) || e.ts < end) continue;
        split.set(kind, (split.get(kind) ?? 0) + e.dur!);
        end = e.ts + e.dur!;
      }
    }
    total += task.dur!;
    cpu += task.tdur ?? 0;
    const parts = [...split].filter(([, d]) => d > 500).map(([k, d]) => `${k} ${ms(d)}`).join(', ');
    console.log(`${String(ms(task.ts - t0)).padStart(6)} ms  task ${String(ms(task.dur!)).padStart(4)} ms (cpu ${String(ms(task.tdur ?? 0)).padStart(4)})  ${parts}`);
  }
  console.log(`tasks over 4 ms: ${tasks.length}, ${ms(total)} ms in all, ${ms(cpu)} ms of CPU`);
} finally {
  await browser.close();
  await server.close();
}
