import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createFlow, stepOf, type Execution, type Graph, type Workspace } from '../helpers/flows.js';
import type { TestServer } from '../helpers/server.js';
import type { Agency } from '../helpers/story.js';
import { saveFailure } from './helpers/browser.js';
import { closeEditorSession, DOCS, startEditorSession } from './helpers/session.js';


/** manual → lookup (code that fails: the service it stands for is down) → greet. */
const lookupFlow: Graph = {
  nodes: [
    { id: 'start', type: 'trigger.manual' },
    { id: 'lookup', type: 'code.javascript', config: { code: "throw new Error('the CRM is down')" } },
    { id: 'greet', type: 'logic.set', config: { value: { text: 'Hello {{ $json.name }}' } } },
  ],
  edges: [
    { source: 'start', target: 'lookup' },
    { source: 'lookup', target: 'greet' },
  ],
};

const hookFlow: Graph = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook' },
    { id: 'shape', type: 'logic.set', config: { value: { email: '{{ $json.body.email }}' } } },
  ],
  edges: [{ source: 'hook', target: 'shape' }],
};

describe('The editor in Chromium: pinned data, node runs, test runs, listening for a test event', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let owner: Agency;
  let ws: Workspace;
  const api = (method: string, path: string, body?: unknown) => server.request(method, `/api/subaccounts/${ws.sid}${path}`, { token: owner.token, body });
  const open = async (flowId: string) => {
    await page.goto(`${server.url}/s/${ws.sid}/flows/${flowId}`);
    await page.getByRole('toolbar', { name: 'Flow' }).waitFor();
  };
  const panel = () => page.getByRole('complementary', { name: /Node/ });
  const node = (id: string, status?: string) => page.locator(`[data-testid="node-${id}"]${status ? `[data-status="${status}"]` : ''}`);

  before(async () => {
    ({ server, browser, context, page, errors, owner, ws } = await startEditorSession());
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailure(page, 'editor-debug');
  });
  after(() => closeEditorSession({ browser, server }));

  let lookupId: string;

  it('pins data on a node (badge on the canvas, saved with the flow) and runs the next node alone on it', async () => {
    lookupId = (await createFlow(ws, lookupFlow, 'Greet a customer')).id;
    await open(lookupId);
    await node('lookup').click();
    await panel().getByRole('button', { name: 'Pin data…' }).click();
    await panel().getByLabel('Pinned data (JSON)').fill('{"name": "Ada", "id": 7}');
    await panel().getByRole('button', { name: 'Pin', exact: true }).click();
    await page.getByTestId('pin-lookup').waitFor();
    await panel().getByTestId('pinned-badge').waitFor();

    // The open panel covers the right of the canvas, where the next node may be: bring every node into view.
    await page.getByRole('toolbar', { name: 'Flow' }).getByRole('button', { name: 'Fit view', exact: true }).click();
    await node('greet').click();
    await panel().getByRole('button', { name: 'Run this node' }).click();
    await panel().getByTestId('debug-message').filter({ hasText: 'Succeeded. Ran on the pinned data before it.' }).waitFor();
    await panel().getByTestId('output-view').getByText('Hello Ada').first().waitFor();
    await node('greet', 'succeeded').waitFor();
    // Running saved the pin first: it is the flow's now.
    expect((await api('GET', `/flows/${lookupId}`)).body.pinData).to.deep.equal({ lookup: { name: 'Ada', id: 7 } });
    expect((await api('GET', `/executions?flowId=${lookupId}`)).body.items).to.have.length(0, 'a node run stores no execution');
  });

  it('a test run emits the pin instead of running the pinned node; a production run runs it', async () => {
    await page.getByRole('toolbar', { name: 'Flow' }).getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('dialog').getByLabel(/Test run/).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Run' }).click();
    await node('greet', 'succeeded').waitFor();
    await node('lookup', 'succeeded').waitFor();
    const [test] = (await api('GET', `/executions?flowId=${lookupId}`)).body.items as { id: string; mode: string }[];
    expect(test.mode).to.equal('test');
    const detail = (await api('GET', `/executions/${test.id}`)).body as Execution;
    expect(stepOf(detail, 'lookup')).to.deep.include({ status: 'succeeded', pinned: true, output: { name: 'Ada', id: 7 } });
    expect(stepOf(detail, 'greet').output).to.deep.equal({ text: 'Hello Ada' });

    await node('lookup').click();
    await page.getByRole('toolbar', { name: 'Flow' }).getByRole('button', { name: 'Fit view', exact: true }).click();
    await page.waitForTimeout(400); // the fit animates for 200 ms: the picture waits for it to end
    await page.screenshot({ path: `${DOCS}debugging.png` });

    await page.getByRole('toolbar', { name: 'Flow' }).getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('dialog').getByLabel(/Production run/).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Run' }).click();
    await node('lookup', 'failed').waitFor();
  });

  it('listens for a test event on an inactive flow’s webhook and follows the test run on the canvas', async () => {
    const flowId = (await createFlow(ws, hookFlow, 'Website leads')).id;
    await open(flowId);
    await node('hook').click();
    await panel().getByRole('button', { name: 'Listen for test event' }).click();
    const url = (await panel().getByTestId('listen-url').textContent())!;
    expect(url).to.match(/\/webhooks\/[\w-]+$/);
    // The URL shown is built on PUBLIC_URL; the test server listens on a random port of its own.
    // The waiting state shows as the listen request leaves: until the server has it, the URL still answers 404.
    const post = () => fetch(server.url + new URL(url).pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ana@example.com' }) });
    let sent = await post();
    for (const deadline = Date.now() + 10_000; sent.status === 404 && Date.now() < deadline; sent = await post()) await new Promise((r) => setTimeout(r, 100));
    expect(sent.status).to.equal(202);
    await node('shape', 'succeeded').waitFor();
    await node('hook', 'succeeded').waitFor();
    await panel().getByTestId('listen-sample').getByText('ana@example.com').waitFor();
    const { executionId } = (await sent.json()) as { executionId: string };
    expect((await api('GET', `/executions/${executionId}`)).body).to.include({ mode: 'test', status: 'succeeded' });
    expect(errors).to.deep.equal([]);
  });
});
