// Measures the editor in Chromium on a 500-node flow: time from navigation to every node in the page, to
// every node shown (React Flow hides a node until it has a size) and to every node and edge drawn (the
// frame after); from a click in the flows list to every node and edge drawn; frame times while panning,
// and the JS heap. Run: npx tsx bench/editor/run.ts
import { cpus } from 'node:os';
import type { Page } from 'playwright-core';
import { bigFlowSession, NODES } from './graph.js';

const RUNS = 5;

/**
 * Every edge in the page, then one more frame, so that the frame with all of them has been painted (a
 * node can be shown before React Flow has placed its handles, and edges are drawn only then).
 */
async function waitDrawn(page: Page): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll('.react-flow__edge').length === ${NODES - 1}`, undefined, { timeout: 60_000, polling: 'raf' });
  await page.evaluate('new Promise((done) => requestAnimationFrame(done))');
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

const { server, browser, token, sid, flowId } = await bigFlowSession();
try {
  const loads: number[] = [];
  const shown: number[] = [];
  const drawn: number[] = [];
  let frames: number[] = [];
  let heapMb = 0;
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript((token) => localStorage.setItem('switchboard.token', token), token);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${server.url}/s/${sid}/flows/${flowId}`);
    await page.waitForFunction(`document.querySelectorAll('.react-flow__node').length === ${NODES}`, undefined, { timeout: 60_000, polling: 'raf' });
    loads.push(Date.now() - started);
    await page.waitForFunction(`document.querySelectorAll('.react-flow__node[style*="visibility: hidden"]').length === 0`, undefined, { timeout: 60_000, polling: 'raf' });
    shown.push(Date.now() - started);
    // Drawn: every node shown and every edge drawn.
    await waitDrawn(page);
    drawn.push(Date.now() - started);
    if (run === RUNS - 1) {
      // Pan for two seconds with the mouse while recording every frame's duration.
      // Page code as strings: tsx would wrap named functions in a helper the page lacks, and the root
      // tsconfig has no DOM types.
      await page.evaluate(`(() => {
        window.frames_ = [];
        let last = performance.now();
        const tick = (now) => {
          window.frames_.push(now - last);
          last = now;
          if (window.frames_.length < 10000) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })()`);
      const pane = (await page.locator('.react-flow__pane').boundingBox())!;
      await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
      await page.mouse.down();
      for (let i = 0; i < 120; i++) await page.mouse.move(pane.x + pane.width / 2 + Math.sin(i / 10) * 300, pane.y + pane.height / 2 + Math.cos(i / 10) * 150);
      await page.mouse.up();
      frames = await page.evaluate<number[]>('window.frames_.slice(1)');
      heapMb = (await page.evaluate<number>('performance.memory.usedJSHeapSize')) / 1024 / 1024;
    }
    await context.close();
  }
  // The same flow opened from the flows list (a click, not a page load), in a fresh browser context each
  // time: the canvas chunk is fetched on the click.
  const fromList: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript((token) => localStorage.setItem('switchboard.token', token), token);
    const page = await context.newPage();
    await page.goto(`${server.url}/s/${sid}/flows`);
    const link = page.getByRole('link', { name: 'Big', exact: true });
    await link.waitFor();
    const started = Date.now();
    await link.click();
    await page.waitForFunction(`document.querySelectorAll('.react-flow__node').length === ${NODES} && !document.querySelector('.react-flow__node[style*="visibility: hidden"]')`, undefined, { timeout: 60_000, polling: 'raf' });
    await waitDrawn(page);
    fromList.push(Date.now() - started);
    await context.close();
  }
  const report = {
    machine: `${cpus().length} × ${cpus()[0]?.model}`,
    nodes: NODES,
    openMs: { median: percentile(loads, 50), worst: Math.max(...loads), runs: loads },
    shownMs: { median: percentile(shown, 50), worst: Math.max(...shown), runs: shown },
    drawnMs: { median: percentile(drawn, 50), worst: Math.max(...drawn), runs: drawn },
    fromListDrawnMs: { median: percentile(fromList, 50), worst: Math.max(...fromList), runs: fromList },
    panFrames: { count: frames.length, medianMs: +percentile(frames, 50).toFixed(1), p95Ms: +percentile(frames, 95).toFixed(1), worstMs: +Math.max(...frames).toFixed(1), over50ms: frames.filter((f) => f > 50).length },
    heapMb: +heapMb.toFixed(1),
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await browser.close();
  await server.close();
}
