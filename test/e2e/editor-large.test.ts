import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createFlow, type Workspace } from '../helpers/flows.js';
import type { TestServer } from '../helpers/server.js';
import { saveFailure } from './helpers/browser.js';
import { closeEditorSession, DOCS, startEditorSession } from './helpers/session.js';

const NODES = 300;

/** A manual trigger and Set nodes in a 20-wide grid, each hanging off an earlier one. */
function bigGraph() {
  const nodes = [{ id: 'n0', type: 'trigger.manual', position: { x: 0, y: 0 } }];
  const edges: { source: string; target: string }[] = [];
  for (let i = 1; i < NODES; i++) {
    nodes.push({ id: `n${i}`, type: 'logic.set', config: { value: { step: i } }, position: { x: (i % 20) * 260, y: Math.floor(i / 20) * 120 } } as (typeof nodes)[number]);
    edges.push({ source: `n${Math.floor((i - 1) / 2)}`, target: `n${i}` });
  }
  return { nodes, edges };
}

describe('The editor in Chromium: a large flow', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let ws: Workspace;
  let flowId: string;
  const counts = () => page.evaluate(`({ compact: document.querySelectorAll('.flow-node.compact').length, full: document.querySelectorAll('.flow-node:not(.compact)').length })`) as Promise<{ compact: number; full: number }>;

  before(async () => {
    ({ server, browser, page, errors, ws } = await startEditorSession());
    flowId = (await createFlow(ws, bigGraph(), 'Big import')).id;
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailure(page, 'editor-large');
  });
  after(() => closeEditorSession({ browser, server }));

  it('opens fitted to the view, every node shown as a compact card a screen reader still hears in full', async () => {
    // What every frame showed from the first one with nodes: the page's code as a string (tsx would wrap
    // a function in a helper the page lacks).
    await page.addInitScript(`(() => {
      window.openingFrames = [];
      const tick = () => {
        const nodes = document.querySelectorAll('.react-flow__node').length;
        if (nodes) window.openingFrames.push({ nodes, hidden: document.querySelectorAll('.react-flow__node[style*="visibility: hidden"]').length, edges: document.querySelectorAll('.react-flow__edge').length, view: document.querySelector('.react-flow__viewport').style.transform });
        if (window.openingFrames.length < 20) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    await page.goto(`${server.url}/s/${ws.sid}/flows/${flowId}`);
    await page.waitForFunction(`document.querySelectorAll('.react-flow__node').length === ${NODES} && !document.querySelector('.react-flow__node[style*="visibility: hidden"]')`);
    // Compact cards have a known size: React Flow shows them from the first frame (instead of hiding
    // each until measured), and the view opens fitted instead of moving once they are measured.
    await page.waitForFunction('window.openingFrames.length === 20');
    const frames = (await page.evaluate('window.openingFrames')) as Array<{ nodes: number; hidden: number; edges: number; view: string }>;
    expect(frames[0]!.nodes).to.equal(NODES);
    expect(frames.filter((f) => f.hidden > 0)).to.deep.equal([], 'no frame with a node hidden');
    expect(new Set(frames.map((f) => f.view)).size).to.equal(1, 'the view did not move');
    expect(frames.at(-1)!.edges).to.equal(NODES - 1);
    expect(await counts()).to.deep.equal({ compact: NODES, full: 0 });
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    for (const id of ['n0', 'n19', `n${NODES - 1}`]) {
      const box = (await page.getByTestId(`node-${id}`).boundingBox())!;
      expect(box.x).to.be.within(pane.x, pane.x + pane.width - box.width);
      expect(box.y).to.be.within(pane.y, pane.y + pane.height - box.height);
    }
    expect(await page.getByTestId('node-n7').getAttribute('aria-label')).to.equal('Set (logic.set)');
    expect(await page.getByTestId('node-n7').locator('.node-summary').count()).to.equal(0, 'no summary drawn at a zoom where it cannot be read');
    // Every connection is drawn to the compact cards' ports.
    expect(await page.locator('.react-flow__edge').count()).to.equal(NODES - 1);
    // The minimap draws only nodes that carry their measured size.
    expect(await page.locator('.react-flow__minimap-node').count()).to.equal(NODES);
    await page.screenshot({ path: `${DOCS}large-flow.png` });
  });

  it('shows the full cards, summaries and port "+" included, once zoomed in, and compact ones again on Fit view', async () => {
    const zoomIn = page.getByRole('button', { name: 'Zoom In' });
    while ((await counts()).compact > 0) await zoomIn.click();
    // Only the nodes in view are drawn now (React Flow skips the rest past 150 nodes).
    const full = page.locator('.flow-node:not(.compact)').first();
    await full.locator('.node-summary').waitFor();
    expect(await full.locator('.node-summary').textContent()).to.match(/^value: \{"step":\d+\}$/);
    expect(await full.getByRole('button', { name: /^Add a node after Set \(main\)$/ }).count()).to.equal(1);
    expect((await counts()).full).to.be.greaterThan(0);
    await page.getByRole('toolbar', { name: 'Flow' }).getByRole('button', { name: 'Fit view' }).click();
    await page.waitForFunction(`document.querySelectorAll('.flow-node.compact').length === ${NODES}`);
    expect((await counts()).full).to.equal(0);
  });

  it('selects a compact card with a click and opens its node panel', async () => {
    await page.getByTestId('node-n1').click();
    await page.getByRole('complementary', { name: 'Node n1' }).waitFor();
    expect(await page.getByTestId('node-n1').getAttribute('class')).to.contain('selected');
  });

  it('logged no console errors', () => {
    expect(errors).to.deep.equal([]);
  });
});
