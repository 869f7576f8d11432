import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { backdateExecution } from '../helpers/backdate.js';
import { createFlow, runAndWait, waitForStatus, type Workspace } from '../helpers/flows.js';
import type { TestServer } from '../helpers/server.js';
import { addUser, type Agency } from '../helpers/story.js';
import { collectErrors, saveFailure } from './helpers/browser.js';
import { waitForFocus } from './helpers/keyboard.js';
import { closeEditorSession, DOCS, startEditorSession } from './helpers/session.js';

const shot = (page: Page, name: string) => page.screenshot({ path: `${DOCS}${name}.png` });
const DAY_MS = 86400_000;
// A `datetime-local` value (the browser's own time zone, which is the test's) for a moment.
const local = (ms: number) => {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
};

describe('The editor in Chromium: the executions screen (time filter, cancel, details and sub-flow links)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let owner: Agency;
  let ws: Workspace;
  const table = () => page.getByRole('table', { name: 'Executions' });
  // The answer to the list's request with these parameters (the list on screen before it is another one).
  const listedWith = (query: string) => page.waitForResponse((r) => r.url().includes(`/executions?`) && r.url().includes(query));
  const start = async (flowId: string) => (await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/run`, { token: owner.token, body: { input: {} } })).body.executionId as string;

  before(async () => {
    ({ server, browser, context, page, errors, owner, ws } = await startEditorSession());
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailure(page, 'editor-executions');
  });
  after(() => closeEditorSession({ browser, server }));

  it('filters by time: the last 24 hours leave out a run of three days ago, a custom range finds only it, and a backwards range says so', async () => {
    const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }] }, 'Nightly report');
    const threeDaysAgo = new Date(Date.now() - 3 * DAY_MS);
    const old = await backdateExecution(server.app.models, (await runAndWait(ws, flow.id)).id, threeDaysAgo);
    const recent = (await runAndWait(ws, flow.id)).id;

    await page.goto(`${server.url}/s/${ws.sid}/executions`);
    const row = (id: string) => table().locator(`tr:has(a[href="/s/${ws.sid}/flows/${flow.id}?execution=${id}"])`);
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await page.getByLabel('Flow').selectOption({ label: 'Nightly report' });
    await row(old).getByText('3 d ago').waitFor();
    await row(recent).waitFor();
    const listed = () => table().locator('tbody tr').count();
    expect(await listed()).to.equal(2);

    await page.getByLabel('Time').selectOption({ label: 'Last 24 hours' });
    await row(old).waitFor({ state: 'detached' });
    expect(await listed()).to.equal(1);
    await row(recent).waitFor();

    // From an hour before the old run to an hour after it, in the browser's time zone.
    await page.getByLabel('Time').selectOption({ label: 'Custom range…' });
    await page.getByLabel('From', { exact: true }).fill(local(threeDaysAgo.getTime() - 3600_000));
    await page.getByLabel('To', { exact: true }).fill(local(threeDaysAgo.getTime() + 3600_000));
    await row(recent).waitFor({ state: 'detached' });
    await row(old).waitFor();
    expect(await listed()).to.equal(1);
    await page.getByLabel('To', { exact: true }).blur();
    await shot(page, 'executions-filters');

    await page.getByLabel('To', { exact: true }).fill(local(threeDaysAgo.getTime() - 2 * 3600_000));
    await page.getByRole('alert').getByText('The time range ends before it starts: pick an end after the start.').waitFor();
    await page.getByLabel('Time').selectOption({ label: 'Any time' });
    await row(recent).waitFor();
    await row(old).waitFor();
    expect(await page.getByRole('alert').count()).to.equal(0);
  });

  it('shows older executions page by page, within the filters', async () => {
    const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }] }, 'Busy form');
    const started: string[] = [];
    for (let i = 0; i < 101; i++) started.push(await start(flow.id));
    await waitForStatus(ws, started.at(-1)!, ['succeeded']);
    await page.goto(`${server.url}/s/${ws.sid}/executions`);
    // The unfiltered list has 100 rows and older ones too: wait for the filtered one.
    const filtered = listedWith(`flowId=${flow.id}&from=`);
    await page.getByLabel('Flow').selectOption({ label: 'Busy form' });
    await page.getByLabel('Time').selectOption({ label: 'Last hour' });
    await filtered;
    const older = page.getByRole('button', { name: 'Show older executions' });
    await older.waitFor();
    const rows = table().locator('tbody tr');
    expect(await rows.count()).to.equal(100, 'a page holds 100');
    await older.click();
    await older.waitFor({ state: 'detached' });
    expect(await rows.count()).to.equal(101);
    const oldest = table().locator(`a[href="/s/${ws.sid}/flows/${flow.id}?execution=${started[0]}"]`);
    expect(await oldest.count()).to.equal(1, 'the last page ends with the first run');
  });

  it('cancels a waiting execution from its row, and from the canvas; a viewer is offered no Cancel', async () => {
    const flow = await createFlow(
      ws,
      { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'later', type: 'logic.delay', config: { amount: 1, unit: 'hours' } }], edges: [{ source: 't', target: 'later' }] },
      'Follow up tomorrow',
    );
    const first = await start(flow.id);
    await waitForStatus(ws, first, ['waiting']);

    await page.goto(`${server.url}/s/${ws.sid}/executions`);
    const waitingListed = listedWith(`flowId=${flow.id}&status=waiting`);
    await page.getByLabel('Flow').selectOption({ label: 'Follow up tomorrow' });
    await page.getByLabel('Status').selectOption('waiting');
    await waitingListed;
    const cancel = table().getByRole('button', { name: 'Cancel this waiting Follow up tomorrow execution' });
    await cancel.focus();
    await page.keyboard.press('Enter');
    await table().getByText('cancelled').waitFor();
    await cancel.waitFor({ state: 'detached' });
    expect((await waitForStatus(ws, first, ['cancelled'])).status).to.equal('cancelled');
    await table().getByRole('button', { name: 'Retry this cancelled Follow up tomorrow execution' }).waitFor();

    // On the canvas: the execution open there is cancelled from the flow's executions panel.
    const second = await start(flow.id);
    await waitForStatus(ws, second, ['waiting']);
    await page.goto(`${server.url}/s/${ws.sid}/flows/${flow.id}?execution=${second}`);
    const panel = page.getByRole('complementary', { name: 'Executions of this flow' });
    await panel.getByRole('button', { name: /^Cancel execution waiting/ }).click();
    await panel.getByRole('button', { name: /^Open execution cancelled/ }).nth(0).waitFor();
    expect((await waitForStatus(ws, second, ['cancelled'])).status).to.equal('cancelled');
    await page.locator('.notice').getByText('Execution cancelled.').waitFor();

    const third = await start(flow.id);
    await waitForStatus(ws, third, ['waiting']);
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await viewer.addInitScript((token) => localStorage.setItem('switchboard.token', token), await addUser(server, owner.token, 'viewer', [ws.sid]));
    const vpage = await viewer.newPage();
    const verrors = collectErrors(vpage);
    await vpage.goto(`${server.url}/s/${ws.sid}/executions`);
    await vpage.getByRole('table', { name: 'Executions' }).getByText('waiting').waitFor();
    expect(await vpage.getByRole('button', { name: /^Cancel/ }).count()).to.equal(0);
    expect(await vpage.getByRole('button', { name: /^Retry/ }).count()).to.equal(0);
    await vpage.goto(`${server.url}/s/${ws.sid}/flows/${flow.id}?execution=${third}`);
    await vpage.getByRole('complementary', { name: 'Executions of this flow' }).getByRole('button', { name: /^Open execution waiting/ }).waitFor();
    expect(await vpage.getByRole('button', { name: /^Cancel/ }).count()).to.equal(0);
    expect(verrors).to.deep.equal([]);
    await viewer.close();

    // Ended by someone else after the list was shown: the API's refusal is told in the row.
    await page.goto(`${server.url}/s/${ws.sid}/executions`);
    const onlyWaiting = listedWith('status=waiting');
    await page.getByLabel('Status').selectOption('waiting');
    await onlyWaiting;
    const stale = table().getByRole('button', { name: 'Cancel this waiting Follow up tomorrow execution' });
    await stale.waitFor();
    expect((await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${third}/cancel`, { token: owner.token })).status).to.equal(200);
    await stale.click();
    await table().getByRole('alert').getByText('Not cancelled: The execution already ended (cancelled).').waitFor();
    // The browser logs the deliberate 409 as a failed resource; nothing else went wrong so far.
    expect(errors).to.deep.equal(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
    errors.length = 0;
  });

  it('shows an execution’s details on the screen with its parent and its sub-flow runs, each a link, and each opens on its flow’s canvas', async () => {
    const child = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'double', type: 'logic.set', config: { value: { doubled: '{{ $trigger.n * 2 }}' } } }], edges: [{ source: 't', target: 'double' }] }, 'Double it');
    const parent = await createFlow(
      ws,
      {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'flow.call', config: { flowId: child.id, input: { n: 21 } } },
          { id: 'again', type: 'flow.call', config: { flowId: child.id, input: { n: 4 } } },
        ],
        edges: [
          { source: 't', target: 'call' },
          { source: 'call', target: 'again' },
        ],
      },
      'Order intake',
    );
    const parentRun = await runAndWait(ws, parent.id);
    expect(parentRun.status).to.equal('succeeded');
    const children = (await server.request('GET', `/api/subaccounts/${ws.sid}/executions/${parentRun.id}`, { token: owner.token })).body.children as { id: string; createdAt: string }[];
    const [first, second] = [...children].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)).map((c) => c.id);
    const detail = page.getByRole('region', { name: 'Execution details' });
    const atDetail = (id: string) => page.waitForURL((url) => url.pathname === `/s/${ws.sid}/executions` && url.searchParams.get('execution') === id);

    // A sub-flow run's own address shows its details, with the execution that started it.
    await page.goto(`${server.url}/s/${ws.sid}/executions?execution=${first}`);
    await detail.getByRole('heading', { name: 'Double it succeeded' }).waitFor();
    await detail.getByText('2 steps: 2 succeeded').waitFor();
    await detail.getByRole('heading', { name: 'Started by' }).waitFor();
    await detail.getByRole('link', { name: /^Parent execution: Order intake, succeeded, \d+ s ago$/ }).click();
    await atDetail(parentRun.id);
    const parentHeading = detail.getByRole('heading', { name: 'Order intake succeeded' });
    await parentHeading.waitFor();
    await waitForFocus(parentHeading);
    await detail.getByText('3 steps: 3 succeeded').waitFor();
    expect(await detail.getByRole('heading', { name: 'Started by' }).count()).to.equal(0, 'nothing started the parent');
    await detail.getByRole('heading', { name: 'Sub-flow runs it started (2)' }).waitFor();
    const subRuns = detail.getByRole('link', { name: /^Sub-flow run: Double it, succeeded/ });
    expect(await subRuns.count()).to.equal(2);
    // The row of the execution shown is marked in the list.
    await table().locator(`tr[aria-current="true"] a[href="/s/${ws.sid}/flows/${parent.id}?execution=${parentRun.id}"]`).waitFor();
    await shot(page, 'execution-detail');

    // Down to the second sub-flow run, and back with the browser.
    await subRuns.nth(1).click();
    await atDetail(second);
    await detail.getByRole('heading', { name: 'Double it succeeded' }).waitFor();
    await table().locator(`tr[aria-current="true"] a[href="/s/${ws.sid}/flows/${child.id}?execution=${second}"]`).waitFor();
    await page.goBack();
    await atDetail(parentRun.id);
    await parentHeading.waitFor();

    // From the list: a sub-flow run's row links to its parent's details; Details shows a row's own.
    const childListed = listedWith(`flowId=${child.id}`);
    // Exact: the links of the details ("Sub-flow run: …") have "flow" in their names too.
    await page.getByLabel('Flow', { exact: true }).selectOption({ label: 'Double it' });
    await childListed;
    await table().getByRole('link', { name: 'Details of this succeeded Double it execution' }).first().click();
    await detail.getByRole('heading', { name: 'Double it succeeded' }).waitFor();
    await table().getByRole('link', { name: 'Show the parent execution of this Double it run' }).first().click();
    await atDetail(parentRun.id);
    await parentHeading.waitFor();
    await detail.getByRole('link', { name: 'Close the execution details' }).click();
    await detail.waitFor({ state: 'detached' });
    expect(new URL(page.url()).search).to.equal('');

    // On the canvas the execution links to its sub-flow runs and back, each on its own flow.
    await page.goto(`${server.url}/s/${ws.sid}/executions?execution=${parentRun.id}`);
    await detail.getByRole('link', { name: 'Open on the canvas' }).click();
    await page.waitForURL(`**/s/${ws.sid}/flows/${parent.id}?execution=${parentRun.id}`);
    await page.locator('[data-testid="node-call"][data-status="succeeded"]').waitFor();
    const family = page.getByRole('region', { name: 'Sub-flow runs of the execution on the canvas' });
    await family.getByRole('button', { name: /^Open child execution succeeded/ }).first().click();
    await page.waitForURL(`**/s/${ws.sid}/flows/${child.id}?execution=${first}`);
    await page.getByRole('heading', { name: 'Double it' }).waitFor();
    await page.locator('[data-testid="node-double"][data-status="succeeded"]').waitFor();
    await page.getByRole('region', { name: 'Sub-flow runs of the execution on the canvas' }).getByRole('button', { name: 'its parent execution' }).waitFor();
    expect(errors).to.deep.equal([]);
  });
});
