import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createFlow, waitForStatus, type Graph, type Workspace } from '../helpers/flows.js';
import type { TestServer } from '../helpers/server.js';
import type { Agency } from '../helpers/story.js';
import { openPage, saveFailure } from './helpers/browser.js';
import { closeEditorSession, DOCS, startEditorSession } from './helpers/session.js';

const shot = (page: Page, name: string) => page.screenshot({ path: `${DOCS}${name}.png` });

const greeter = (greeting: string): Graph => ({
  nodes: [
    { id: 'start', type: 'trigger.manual' },
    { id: 'greet', type: 'logic.set', config: { value: { greeting } } },
  ],
  edges: [{ source: 'start', target: 'greet' }],
});

describe('The editor in Chromium: conflicts, drafts, versions, code, cron and approvals', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let owner: Agency;
  let ws: Workspace;
  let flowId: string;
  const flowUrl = () => `${server.url}/s/${ws.sid}/flows/${flowId}`;
  const api = (method: string, path: string, body?: unknown) => server.request(method, `/api/subaccounts/${ws.sid}${path}`, { token: owner.token, body });
  const greetingOf = async (version?: number): Promise<string> => {
    if (version === undefined) return (await api('GET', `/flows/${flowId}`)).body.graph.nodes[1].config.value.greeting;
    const list = (await api('GET', `/flows/${flowId}/versions`)).body.items as { version: number; graph: { nodes: { config: { value: { greeting: string } } }[] } }[];
    return list.find((v) => v.version === version)!.graph.nodes[1].config.value.greeting;
  };
  /** Someone else saves the flow through the API, from the version they name. */
  const theySave = async (greeting: string, baseVersion: number) => {
    const res = await api('PUT', `/flows/${flowId}`, { graph: greeter(greeting), baseVersion });
    expect(res.status, res.text).to.equal(200);
  };
  const editGreeting = async (greeting: string) => {
    await page.getByTestId('node-greet').click();
    await page.getByRole('complementary', { name: /Node/ }).locator('textarea').fill(JSON.stringify({ greeting }));
    await page.getByTestId('node-greet').locator('.node-summary').filter({ hasText: greeting }).waitFor();
  };
  const toolbar = () => page.getByRole('toolbar', { name: 'Flow' });

  before(async () => {
    ({ server, browser, context, page, errors, owner, ws } = await startEditorSession());
    flowId = (await createFlow(ws, greeter('one'), 'Greeter')).id;
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailure(page, 'editor-versions');
  });
  after(() => closeEditorSession({ browser, server }));

  it('refuses a stale save and offers compare, then overwrite with mine', async () => {
    await page.goto(flowUrl());
    await page.getByTestId('node-greet').waitFor();
    await editGreeting('mine');
    await theySave('theirs', 1);

    await toolbar().getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Someone saved this flow meanwhile' });
    await dialog.getByText('You started from version 1; the flow is now at version 2.').waitFor();
    await dialog.getByRole('button', { name: 'Compare' }).click();
    const row = dialog.getByRole('row').filter({ hasText: 'config.value.greeting' });
    await row.waitFor();
    expect(await row.locator('.before').textContent()).to.equal('"theirs"');
    expect(await row.locator('.after').textContent()).to.equal('"mine"');
    await shot(page, 'conflict');
    expect(await greetingOf()).to.equal('theirs');

    await dialog.getByRole('button', { name: 'Overwrite with mine' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 3' }).waitFor();
    expect(await greetingOf()).to.equal('mine');
    expect(await greetingOf(2)).to.equal('theirs');
  });

  it('reloads their version when asked, dropping mine', async () => {
    await editGreeting('mine again');
    await theySave('theirs again', 3);
    await toolbar().getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Someone saved this flow meanwhile' });
    await dialog.getByRole('button', { name: 'Reload their version' }).click();
    await page.getByTestId('node-greet').locator('.node-summary').filter({ hasText: 'theirs again' }).waitFor();
    await toolbar().getByText('v4', { exact: true }).waitFor();
    expect(await toolbar().getByRole('button', { name: 'Save' }).isDisabled()).to.equal(true);
    expect(await greetingOf()).to.equal('theirs again');
  });

  it('offers back the unsaved changes of a tab that crashed', async () => {
    await editGreeting('draft');
    await page.waitForFunction((key) => localStorage.getItem(key)?.includes('draft'), `switchboard.draft.${ws.sid}.${flowId}`);
    await page.close({ runBeforeUnload: false });

    page = await openPage(context, errors);
    await page.goto(flowUrl());
    const offer = page.getByRole('dialog', { name: 'Unsaved changes found' });
    await offer.getByText('edited from version 4').waitFor();
    await offer.getByRole('button', { name: 'Restore my changes' }).click();
    await page.getByTestId('node-greet').locator('.node-summary').filter({ hasText: 'draft' }).waitFor();
    await toolbar().getByText('unsaved changes').waitFor();
    await toolbar().getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 5' }).waitFor();
    expect(await greetingOf()).to.equal('draft');

    // Saved: the next visit offers nothing.
    await page.reload();
    await page.getByTestId('node-greet').waitFor();
    expect(await page.getByRole('dialog', { name: 'Unsaved changes found' }).count()).to.equal(0);
  });

  it('shows who saved each version, diffs an old one with the current one, and restores it', async () => {
    await page.getByTestId('node-greet').waitFor();
    await toolbar().getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('complementary', { name: 'Version history' });
    for (const v of [1, 2, 3, 4, 5]) await history.getByTestId(`version-${v}`).filter({ hasText: owner.email }).waitFor();
    await history.getByRole('button', { name: 'Compare with v5: version 1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Version 1 → version 5' });
    const row = dialog.getByRole('row').filter({ hasText: 'config.value.greeting' });
    expect(await row.locator('.before').textContent()).to.equal('"one"');
    expect(await row.locator('.after').textContent()).to.equal('"draft"');
    await shot(page, 'version-diff');

    await dialog.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByRole('status').filter({ hasText: 'Restored version 1 as version 6' }).waitFor();
    await page.getByTestId('node-greet').locator('.node-summary').filter({ hasText: 'one' }).waitFor();
    await history.getByTestId('version-6').filter({ hasText: 'current' }).waitFor();
    expect(await greetingOf()).to.equal('one');
    expect((await api('GET', `/flows/${flowId}/versions`)).body.items.map((v: { version: number }) => v.version)).to.deep.equal([6, 5, 4, 3, 2, 1]);
  });

  it('edits a code node in CodeMirror and a schedule in a cron input that says what it means', async () => {
    // Placed apart on the canvas (the API does not need positions; a person clicking does).
    const graph = {
      nodes: [
        { id: 'nightly', type: 'trigger.schedule', config: { cron: '0 9 * * 1-5', timezone: 'UTC' }, position: { x: 0, y: 0 } },
        { id: 'report', type: 'code.javascript', config: { code: 'return { doubled: (input.n ?? 1) * 2 };' }, position: { x: 320, y: 0 } },
      ],
      edges: [{ source: 'nightly', target: 'report' }],
    };
    const nightly = await createFlow(ws, graph, 'Nightly report');
    await page.goto(`${server.url}/s/${ws.sid}/flows/${nightly.id}`);
    await page.getByTestId('node-nightly').click();
    const panel = page.getByRole('complementary', { name: /Node/ });
    await panel.getByTestId('cron-meaning').filter({ hasText: 'At 09:00, Monday through Friday' }).waitFor();
    expect(await panel.getByTestId('cron-next-runs').locator('li').count()).to.equal(5);
    const cron = panel.locator('.cron-input input');
    await cron.fill('*/15 * * * *');
    await panel.getByTestId('cron-meaning').filter({ hasText: 'Every 15 minutes' }).waitFor();
    await panel.getByText('Save the flow to see the next runs.').waitFor();
    await cron.fill('61 * * * *');
    await panel.getByTestId('cron-meaning').filter({ hasText: 'Not a cron expression' }).waitFor();
    await cron.fill('*/15 * * * *');

    await page.getByTestId('node-report').click();
    const code = panel.locator('.cm-content');
    await code.filter({ hasText: 'doubled' }).waitFor();
    await code.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n// checked by hand');
    await toolbar().getByText('unsaved changes').waitFor();
    await shot(page, 'code-editor');
    await toolbar().getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 2' }).waitFor();
    const saved = (await api('GET', `/flows/${nightly.id}`)).body;
    expect(saved.graph.nodes[0].config.cron).to.equal('*/15 * * * *');
    expect(saved.graph.nodes[1].config.code).to.match(/doubled[\s\S]*\/\/ checked by hand$/);

    await page.getByTestId('node-nightly').click();
    await panel.getByTestId('cron-next-runs').waitFor();
    const runs = await panel.getByTestId('cron-next-runs').locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')!));
    expect(runs).to.have.length(5);
    for (const r of runs) expect(new Date(r).getUTCMinutes() % 15).to.equal(0);
    await shot(page, 'cron');
  });

  it('approves a waiting approval from the inbox, with a comment, and the badge counts down', async () => {
    const refund = await createFlow(
      ws,
      {
        nodes: [
          { id: 'start', type: 'trigger.manual' },
          { id: 'ask', type: 'logic.approval', config: { title: 'Refund order 1042?', description: 'The customer asks for 48 € back.' } },
        ],
        edges: [{ source: 'start', target: 'ask' }],
      },
      'Refunds',
    );
    const started = await api('POST', `/flows/${refund.id}/run`, { input: { order: 1042 } });
    expect(started.status).to.equal(202);
    await waitForStatus(ws, started.body.executionId, ['waiting']);

    await page.goto(`${server.url}/s/${ws.sid}/flows`);
    await page.getByTestId('approvals-badge').filter({ hasText: '1' }).waitFor();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: /Approvals/ }).click();
    const card = page.getByRole('listitem', { name: 'Approval: Refund order 1042?' });
    await card.getByText('The customer asks for 48 € back.').waitFor();
    await card.getByLabel('Comment (optional)').fill('OK, loyal customer');
    await shot(page, 'approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved: Refund order 1042?' }).waitFor();
    await page.getByText('Nothing waits for a decision.').waitFor();
    await page.getByTestId('approvals-badge').waitFor({ state: 'detached' });

    const finished = await waitForStatus(ws, started.body.executionId, ['succeeded', 'failed']);
    expect(finished.status).to.equal('succeeded');
    const decided = (await api('GET', '/approvals?status=all')).body.items[0];
    expect(decided).to.include({ status: 'approved', comment: 'OK, loyal customer' });

    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('listitem', { name: 'Approval: Refund order 1042?' }).getByText('OK, loyal customer').waitFor();
  });

  it('wrote no console errors but the 409s it provoked', () => {
    expect(errors.filter((e) => !e.includes('409'))).to.deep.equal([]);
  });
});
