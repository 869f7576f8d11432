import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';
import { addUser, type Agency } from '../helpers/story.js';
import { collectErrors, dragBetween, saveFailure } from './helpers/browser.js';
import { closeEditorSession, DOCS, startEditorSession } from './helpers/session.js';

const shot = (page: Page, name: string) => page.screenshot({ path: `${DOCS}${name}.png` });

describe('The visual editor in Chromium', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let owner: Agency;
  let sid: string;

  before(async () => {
    // Not signed in: the first story signs in through the form.
    let ws: { sid: string };
    ({ server, browser, context, page, errors, owner, ws } = await startEditorSession({ signedIn: false }));
    sid = ws.sid;
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailure(page, 'editor-e2e');
  });
  after(() => closeEditorSession({ browser, server }));

  it('signs in and lands on the sub-account’s flows', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Email or password is incorrect.' }).waitFor();
    await shot(page, 'sign-in');
    errors.length = 0; // the browser logs the deliberate 401 as a failed resource
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    expect(new URL(page.url()).pathname).to.equal(`/s/${sid}/flows`);
    expect(await page.getByTestId('who').textContent()).to.include('owner');
  });

  it('builds webhook → condition → set by dragging from the palette and connecting ports, configured through the forms', async () => {
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Lead router');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('toolbar', { name: 'Flow' }).waitFor();
    await page.getByTestId('node-start').waitFor();

    // The starter's manual trigger goes: select it and press Delete.
    await page.getByTestId('node-start').click();
    await page.keyboard.press('Delete');
    await page.getByTestId('node-start').waitFor({ state: 'detached' });

    // Adding a node selects it, so the node panel takes the right of the canvas: drop within what is left.
    const canvas = page.locator('.canvas');
    await page.locator('.palette-item[data-type="trigger.webhook"]').dragTo(canvas, { targetPosition: { x: 160, y: 250 } });
    await page.getByLabel('Search nodes').fill('condition');
    await page.locator('.palette-item[data-type="logic.condition"]').dragTo(canvas, { targetPosition: { x: 400, y: 250 } });
    await page.getByLabel('Search nodes').fill('');
    await page.locator('.palette-item[data-type="logic.set"]').dragTo(canvas, { targetPosition: { x: 680, y: 200 } });
    for (const id of ['webhook', 'condition', 'set']) await page.getByTestId(`node-${id}`).waitFor();

    await dragBetween(page, '[data-testid="node-webhook"] .react-flow__handle[data-handleid="main"]', '[data-testid="node-condition"] .handle-in');
    await dragBetween(page, '[data-testid="node-condition"] .react-flow__handle[data-handleid="true"]', '[data-testid="node-set"] .handle-in');
    await page.locator('.react-flow__edge').nth(1).waitFor();
    expect(await page.locator('.react-flow__edge').count()).to.equal(2);
    // A loop is refused with a reason.
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await dragBetween(page, '[data-testid="node-set"] .react-flow__handle[data-handleid="main"]', '[data-testid="node-condition"] .handle-in');
    await page.getByRole('status').filter({ hasText: 'would make a loop' }).waitFor();

    // The condition: email is not empty AND (plan is "pro" OR vip is true), a nested group.
    await page.getByTestId('node-condition').click();
    const panel = page.getByRole('complementary', { name: /Node/ });
    await panel.getByLabel('Rule 1 value').fill('{{ $json.body.email }}');
    await panel.getByLabel('Rule 1 operator').selectOption('is_not_empty');
    await expect(await panel.locator('.expression-preview mark').first().textContent()).to.equal('{{ $json.body.email }}');
    await panel.getByRole('button', { name: '+ Group' }).first().click();
    await panel.getByLabel('Rule 2.1 value').fill('{{ $json.body.plan }}');
    await panel.getByLabel('Rule 2.1 compare with').fill('pro');
    await panel.getByRole('group', { name: 'Group 1' }).getByRole('button', { name: '+ Rule' }).click();
    await panel.getByLabel('Rule 2.2 value').fill('{{ $json.body.vip }}');
    await panel.getByLabel('Rule 2.2 type').selectOption('boolean');
    await panel.getByRole('group', { name: 'Group 1' }).getByLabel('Combine with').first().selectOption('or');
    await page.getByTestId('node-condition').locator('.node-summary').filter({ hasText: '$json.body.email is not empty and ($json.body.plan equals' }).waitFor();
    await shot(page, 'rule-builder');

    await page.getByTestId('node-set').click();
    const value = page.getByRole('complementary', { name: /Node/ }).locator('textarea');
    await value.fill('{"greeting": "Hello {{ $json.body.email }}"}');
    await page.getByTestId('node-set').locator('.node-summary').filter({ hasText: 'Hello {{ $json.body.email }}' }).waitFor();
  });

  it('undoes and redoes config changes', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByTestId('node-set').locator('.node-summary').filter({ hasText: 'value: {}' }).waitFor();
    await page.keyboard.press('Control+Shift+Z');
    await page.getByTestId('node-set').locator('.node-summary').filter({ hasText: 'Hello {{ $json.body.email }}' }).waitFor();
  });

  it('saves, activates, and shows the nodes turn succeeded and skipped as webhooks arrive', async () => {
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 2' }).waitFor();
    const flows = await server.request('GET', `/api/subaccounts/${sid}/flows`, { token: owner.token });
    const saved = flows.body.items[0].graph;
    expect(saved.nodes.map((n: { id: string }) => n.id)).to.deep.equal(['webhook', 'condition', 'set']);
    expect(saved.edges).to.deep.equal([{ source: 'webhook', sourcePort: 'main', target: 'condition' }, { source: 'condition', sourcePort: 'true', target: 'set' }]);
    expect(saved.nodes[1].config).to.deep.equal({
      rules: {
        combinator: 'and',
        rules: [
          { left: '{{ $json.body.email }}', operator: 'is_not_empty' },
          { combinator: 'or', rules: [{ left: '{{ $json.body.plan }}', operator: 'equals', right: 'pro' }, { left: '{{ $json.body.vip }}', operator: 'is_true' }] },
        ],
      },
    });
    expect(saved.nodes[2].config).to.deep.equal({ value: { greeting: 'Hello {{ $json.body.email }}' } });
    await page.getByLabel('Active').click(); // checked once the server agrees
    await page.getByRole('status').filter({ hasText: 'Active' }).waitFor();
    await page.getByTestId('node-webhook').click();
    const url = (await page.getByTestId('webhook-url').textContent())!;
    expect(url).to.match(/\/webhooks\/[\w-]+$/);
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });

    // The URL shown is built on PUBLIC_URL; the test server listens on a random port of its own.
    const post = (body: unknown) => fetch(server.url + new URL(url).pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ email: 'ana@example.com', plan: 'pro' })).status).to.equal(202);
    await page.locator('[data-testid="node-set"][data-status="succeeded"]').waitFor();
    await page.locator('[data-testid="node-condition"][data-status="succeeded"]').waitFor();
    await shot(page, 'canvas-run');

    await page.getByTestId('node-set').click();
    await page.getByRole('tab', { name: /^Output \(/ }).click(); // the panel's tab, not the step data's
    const output = page.getByTestId('output-view');
    await output.getByText('"greeting": "Hello ana@example.com"').waitFor();
    await shot(page, 'node-output');
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });

    expect((await post({ plan: 'pro' })).status).to.equal(202);
    await page.locator('[data-testid="node-set"][data-status="skipped"]').waitFor();
    await page.locator('[data-testid="node-webhook"][data-status="succeeded"]').waitFor();
  });

  it('lists the flow’s executions and opens a past one on the canvas', async () => {
    await page.getByRole('button', { name: 'Executions', exact: true }).click();
    const list = page.getByRole('complementary', { name: 'Executions of this flow' });
    await list.getByRole('button', { name: /Open execution succeeded/ }).nth(1).waitFor();
    await list.getByRole('button', { name: /Open execution succeeded/ }).nth(1).click();
    await page.locator('[data-testid="node-set"][data-status="succeeded"]').waitFor();
    expect(page.url()).to.include('?execution=');
    await shot(page, 'executions');
  });

  it('shows the flows list with status, and keeps edit controls from a viewer', async () => {
    await page.getByRole('link', { name: '← Flows' }).click();
    const row = page.locator('tr[data-flow="Lead router"]');
    await row.getByText('succeeded').waitFor();
    expect(await row.getByLabel('Active: Lead router').isChecked()).to.equal(true);
    await shot(page, 'flows');

    const viewerToken = await addUser(server, owner.token, 'viewer', [sid]);
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await viewer.addInitScript((token) => localStorage.setItem('switchboard.token', token), viewerToken);
    const vpage = await viewer.newPage();
    const verrors = collectErrors(vpage);
    await vpage.goto(`${server.url}/s/${sid}/flows`);
    await vpage.locator('tr[data-flow="Lead router"]').waitFor();
    expect(await vpage.getByRole('button', { name: 'New flow' }).count()).to.equal(0);
    expect(await vpage.getByRole('button', { name: 'Delete' }).count()).to.equal(0);
    expect(await vpage.getByLabel('Active: Lead router').isDisabled()).to.equal(true);
    await vpage.getByRole('link', { name: 'Lead router' }).click();
    await vpage.getByTestId('node-set').waitFor();
    await vpage.getByText('read only').waitFor();
    expect(await vpage.getByRole('button', { name: 'Save' }).count()).to.equal(0);
    expect(await vpage.locator('.palette').count()).to.equal(0);
    await vpage.getByTestId('node-condition').click();
    expect(await vpage.getByLabel('Rule 1 value').isDisabled()).to.equal(true);
    expect(verrors).to.deep.equal([]);
    await viewer.close();
  });

  it('signs out, and wrote no console errors on the way', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('switchboard.token'))).to.equal(null);
    expect(errors).to.deep.equal([]);
  });
});
