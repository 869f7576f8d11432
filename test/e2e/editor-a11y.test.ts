import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, waitForStatus, type Graph, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency, type Agency } from '../helpers/story.js';
import { blockingViolations } from './helpers/axe.js';
import { launchChromium, openPage, saveFailure } from './helpers/browser.js';
import { focusRing, isFocused, tabTo, waitForFocus } from './helpers/keyboard.js';
import { buildEditorIfStale } from './helpers/editor-build.js';

const sqlite = databaseKinds.find((k) => k.name === 'sqlite')!;
const docs = fileURLToPath(new URL('../../docs/editor/', import.meta.url));
const STRIPE_KEY = 'sk_test_switchboard_a11y';
/** The narrowest width the editor is made for. */
const NARROW = { width: 1280, height: 800 };

const leadRouter: Graph = {
  nodes: [
    { id: 'webhook', type: 'trigger.webhook' },
    { id: 'condition', type: 'logic.condition', config: { rules: { combinator: 'and', rules: [{ left: '{{ $json.body.email }}', operator: 'is_not_empty' }] } } },
    { id: 'set', type: 'logic.set', config: { value: { greeting: 'Hello' } } },
  ],
  edges: [
    { source: 'webhook', target: 'condition' },
    { source: 'condition', sourcePort: 'true', target: 'set' },
  ],
};

describe('The editor’s accessibility in Chromium (axe, WCAG 2 A and AA, at 1280 px)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let stripe: FakeStripe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let owner: Agency;
  let ws: Workspace;
  let flowId: string;

  /** No serious or critical axe violation on the page as it is now (the others are printed). */
  const expectAccessible = async (screen: string) => {
    expect(await blockingViolations(page, screen), screen).to.equal('');
  };
  /** The same in both themes: the dark one set as the theme switch sets it (dialogs keep the switch out of reach). */
  const expectAccessibleInBothThemes = async (screen: string) => {
    await expectAccessible(`${screen}, light`);
    await page.locator('html').evaluate((html) => (html.dataset.theme = 'dark'));
    try {
      await expectAccessible(`${screen}, dark`);
    } finally {
      await page.locator('html').evaluate((html) => (html.dataset.theme = 'light'));
    }
  };
  const setTheme = async (theme: 'light' | 'dark') => {
    const toggle = page.getByRole('button', { name: `Switch to ${theme} theme` });
    if (await toggle.count()) await toggle.click();
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
  };

  before(async () => {
    buildEditorIfStale();
    stripe = await startFakeStripe();
    stripe.keys.set(STRIPE_KEY, { livemode: false });
    server = await startServer(sqlite, { STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: 'whsec_switchboard_a11y', STRIPE_API_URL: stripe.url });
    owner = await registerAgency(server, 'Northwind Marketing');
    ws = { server, token: owner.token, sid: await createSubaccount(server, owner.token, 'Bakery client') };
    const flow = await createFlow(ws, leadRouter, 'Lead router');
    flowId = flow.id;
    // A second version, for the history and its diff.
    const changed = structuredClone(leadRouter);
    changed.nodes[2]!.config = { value: { greeting: 'Hello again' } };
    const saved = await server.request('PUT', `/api/subaccounts/${ws.sid}/flows/${flowId}`, { token: owner.token, body: { graph: changed, baseVersion: flow.version } });
    expect(saved.status, saved.text).to.equal(200);
    // A waiting approval: the inbox has a card and the executions list a row.
    const refund = await createFlow(ws, { nodes: [{ id: 'start', type: 'trigger.manual' }, { id: 'ask', type: 'logic.approval', config: { title: 'Refund order 1042?' } }], edges: [{ source: 'start', target: 'ask' }] }, 'Refunds');
    const started = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${refund.id}/run`, { token: owner.token, body: { input: { order: 1042 } } });
    expect(started.status, started.text).to.equal(202);
    await waitForStatus(ws, started.body.executionId, ['waiting']);

    browser = await launchChromium();
    // axe is injected as an inline script, which the editor's Content-Security-Policy rightly refuses.
    const context = await browser.newContext({ viewport: NARROW, bypassCSP: true, colorScheme: 'light' });
    errors = [];
    page = await openPage(context, errors);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailure(page, 'editor-a11y');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await stripe?.close();
  });

  it('signs in on an accessible form, its error included, in both themes', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await expectAccessibleInBothThemes('sign in, with its error');
    errors.length = 0; // the browser logs the deliberate 401 as a failed resource
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
  });

  it('shows the flows list accessibly in the light and the dark theme', async () => {
    await page.locator('tr[data-flow="Lead router"]').waitFor();
    await page.locator('tr[data-flow="Refunds"]').getByText('waiting').waitFor();
    await setTheme('light');
    await expectAccessible('flows list, light');
    await setTheme('dark');
    await expectAccessible('flows list, dark');
    await setTheme('light');
  });

  it('shows the canvas and a node’s config form accessibly in both themes', async () => {
    await page.getByRole('link', { name: 'Lead router' }).click();
    await page.getByTestId('node-condition').waitFor();
    await expectAccessible('canvas, light');
    await page.getByTestId('node-condition').click();
    await page.getByRole('complementary', { name: /Node/ }).getByLabel('Rule 1 value').waitFor();
    await expectAccessible('canvas with the condition’s config form, light');
    // Connecting by keyboard: the dialog listing the nodes a port may go to.
    await page.getByRole('button', { name: 'Connect output false to…' }).click();
    const connectDialog = page.getByRole('dialog', { name: 'Connect Condition to…' });
    await connectDialog.getByRole('listbox').getByRole('option').first().waitFor();
    await expectAccessibleInBothThemes('connect dialog');
    await page.keyboard.press('Escape');
    await connectDialog.waitFor({ state: 'detached' });
    // The node picker of a port's "+", its first type highlighted.
    await page.getByRole('button', { name: /^Add a node after .*\(false\)$/ }).first().click();
    const picker = page.getByRole('dialog', { name: /^Add a node after/ });
    await picker.locator('li.active').waitFor();
    await expectAccessibleInBothThemes('node picker');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    await page.getByTestId('node-set').click();
    await page.getByRole('complementary', { name: /Node/ }).locator('textarea').waitFor();
    await expectAccessible('canvas with the set node’s config form, light');
    await setTheme('dark');
    await expectAccessible('canvas with the set node’s config form, dark');
    await page.getByTestId('node-condition').click();
    await page.getByRole('complementary', { name: /Node/ }).getByLabel('Rule 1 value').waitFor();
    await expectAccessible('canvas with the condition’s config form, dark');
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await expectAccessible('canvas, dark');
    await setTheme('light');
  });

  it('shows the history and a diff between versions accessibly in both themes', async () => {
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('complementary', { name: 'Version history' });
    await history.getByTestId('version-1').waitFor();
    await expectAccessibleInBothThemes('history panel');
    await history.getByRole('button', { name: 'Compare with v2: version 1' }).click();
    await page.getByRole('dialog', { name: 'Version 1 → version 2' }).waitFor();
    await expectAccessibleInBothThemes('diff between versions');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('shows the executions accessibly in both themes', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Executions' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await page.locator('.status-waiting').first().waitFor();
    await expectAccessibleInBothThemes('executions');
    await page.getByRole('link', { name: 'Details of this waiting Refunds execution' }).click();
    await page.getByRole('region', { name: 'Execution details' }).getByRole('heading', { name: 'Refunds waiting' }).waitFor();
    await expectAccessibleInBothThemes('executions with one execution’s details');
  });

  it('shows the integrations and their setup wizard accessibly in both themes', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations' }).waitFor();
    await page.locator('article[data-template="webhook-secret"]').waitFor();
    await expectAccessibleInBothThemes('integrations');
    await page.getByRole('button', { name: 'Connect Webhook signing secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect Webhook signing secret' });
    await dialog.getByLabel('Name').waitFor();
    await expectAccessibleInBothThemes('integration setup wizard');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the approvals inbox accessibly in both themes', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: /Approvals/ }).click();
    await page.getByRole('listitem', { name: 'Approval: Refund order 1042?' }).waitFor();
    await expectAccessibleInBothThemes('approvals');
  });

  it('shows billing accessibly in both themes', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('heading', { name: 'Billing' }).waitFor();
    await page.getByTestId('plan').waitFor();
    await expectAccessibleInBothThemes('billing');
  });

  it('wrote no console errors on the way', () => {
    expect(errors).to.deep.equal([]);
  });

  describe('with the keyboard only', () => {
    let kpage: Page;
    const kerrors: string[] = [];
    /** The delay node the first story adds from the palette. */
    let delayId = '';
    /** Tabs to the element (forwards, or backwards with Shift+Tab) and checks it shows a focus ring. */
    const reach = async (target: Locator, options: { back?: boolean; max?: number } = {}) => {
      await tabTo(kpage, target, options);
      expect(await focusRing(target), `focus ring on ${target}`).to.not.equal(null);
    };

    before(async () => {
      const context = await browser.newContext({ viewport: NARROW, colorScheme: 'light' });
      kpage = await openPage(context, kerrors);
    });
    afterEach(async function () {
      if (this.currentTest?.state === 'failed') await saveFailure(kpage, 'editor-a11y-keyboard');
    });

    it('signs in, opens a flow, adds a node from the palette, configures it and saves with Ctrl+S', async () => {
      await kpage.goto(server.url);
      await kpage.getByRole('heading', { name: 'Sign in' }).waitFor();
      await reach(kpage.getByLabel('Email'));
      await kpage.keyboard.type(owner.email);
      await reach(kpage.getByLabel('Password'));
      await kpage.keyboard.type(owner.password);
      await kpage.keyboard.press('Enter');
      await kpage.getByRole('heading', { name: 'Flows' }).waitFor();

      await reach(kpage.getByRole('link', { name: 'Lead router' }));
      await kpage.keyboard.press('Enter');
      await kpage.getByTestId('node-set').waitFor();

      // The palette: search, then Enter on a type adds it and opens its panel with the focus in it.
      await reach(kpage.getByLabel('Search nodes'));
      await kpage.keyboard.type('delay');
      const item = kpage.locator('.palette-item[data-type="logic.delay"]');
      await reach(item);
      await kpage.keyboard.press('Enter');
      const panel = kpage.locator('[data-node-panel]');
      await panel.waitFor();
      const nodeId = (await panel.getAttribute('aria-label'))!.replace(/^Node /, '');
      delayId = nodeId;
      await kpage.getByTestId(`node-${nodeId}`).waitFor();
      expect(await panel.evaluate((el) => el.contains(el.ownerDocument.activeElement)), 'focus moved into the node panel').to.equal(true);

      await reach(panel.getByLabel('Name'), { max: 10 });
      await kpage.keyboard.type('Pause a moment');
      await kpage.getByTestId(`node-${nodeId}`).getByText('Pause a moment').waitFor();
      // A field of its config form, reached from the name.
      await reach(panel.getByLabel('amount', { exact: true }), { max: 10 });
      await kpage.keyboard.press('Control+A');
      await kpage.keyboard.type('5');
      // A closed select takes the first letter of an option, as in any form.
      await reach(panel.getByLabel('unit', { exact: true }), { max: 3 });
      await kpage.keyboard.type('m');
      expect(await panel.getByLabel('unit', { exact: true }).locator('option:checked').textContent()).to.equal('minutes');
      // Saving from inside a field: Ctrl+S is the editor's, not the browser's "save page".
      await kpage.keyboard.press('Control+S');
      await kpage.getByRole('status').filter({ hasText: 'Saved: version 3' }).waitFor();
      const saved = (await server.request('GET', `/api/subaccounts/${ws.sid}/flows/${flowId}`, { token: owner.token })).body;
      const added = saved.graph.nodes.find((n: { id: string }) => n.id === nodeId);
      expect(added).to.deep.include({ type: 'logic.delay', name: 'Pause a moment' });
      expect(added.config).to.deep.equal({ amount: 5, unit: 'minutes' });
      // Escape in the panel goes back to the node on the canvas.
      await kpage.keyboard.press('Escape');
      await waitForFocus(kpage.locator(`.react-flow__node[data-id="${nodeId}"]`));
    });

    it('opens the shortcuts help with Enter, traps the focus in it, and gives it back on Escape', async () => {
      const help = kpage.getByRole('button', { name: 'Keyboard shortcuts' });
      await reach(help, { back: true, max: 60 });
      await kpage.keyboard.press('Enter');
      const dialog = kpage.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.waitFor();
      expect(await dialog.getAttribute('aria-modal')).to.equal('true');
      for (let i = 0; i < 4; i++) {
        await kpage.keyboard.press('Tab');
        expect(await dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement)), 'focus stays in the dialog').to.equal(true);
      }
      await kpage.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // The focus goes back on the frame after the dialog closes (useReturnFocus).
      await waitForFocus(help);
    });

    it('selects a node on the canvas with the keyboard, with a visible focus ring', async () => {
      const node = kpage.locator('.react-flow__node[data-id="condition"]');
      await reach(node, { max: 40 });
      await kpage.keyboard.press('Enter');
      await kpage.getByRole('complementary', { name: 'Node condition' }).waitFor();
      // Its "+" after a port opens the node picker; Escape closes it and the focus is back on the "+".
      const plus = kpage.getByRole('button', { name: 'Add a node after Condition (true)' });
      await reach(plus, { max: 6 });
      await kpage.keyboard.press('Enter');
      const search = kpage.getByRole('combobox', { name: 'Search nodes to add' });
      await search.waitFor();
      expect(await isFocused(search), 'the picker takes the focus').to.equal(true);
      await kpage.keyboard.press('Escape');
      await search.waitFor({ state: 'detached' });
      await waitForFocus(plus);
    });

    it('connects a port to another node with the keyboard, from the node panel and with C on a node, undoably', async () => {
      const panel = kpage.getByRole('complementary', { name: 'Node condition' });
      const button = panel.getByRole('button', { name: 'Connect output false to…' });
      await reach(button, { max: 20 });
      await kpage.keyboard.press('Enter');
      const dialog = kpage.getByRole('dialog', { name: 'Connect Condition to…' });
      const search = dialog.getByRole('combobox', { name: 'Search nodes to connect to' });
      const offered = () => dialog.getByRole('listbox').getByRole('option');
      await waitForFocus(search);
      expect(await dialog.getByLabel('Output').inputValue()).to.equal('false');
      // Offered: the nodes the false port may go to; not the trigger, not the condition itself.
      expect((await offered().evaluateAll((els) => els.map((el) => el.getAttribute('data-node')))).sort()).to.deep.equal([delayId, 'set'].sort());
      await dialog.getByText('Not offered: 1 is a trigger.').waitFor();
      await kpage.keyboard.type('pause');
      expect(await offered().count()).to.equal(1);
      await kpage.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      const edge = kpage.getByTestId(`rf__edge-condition:false->${delayId}`);
      await edge.waitFor();
      await kpage.getByRole('status').filter({ hasText: 'Connected Condition (false) to Pause a moment.' }).waitFor();
      await panel.locator('li[data-port="false"]').getByText('→ Pause a moment').waitFor();
      await waitForFocus(button);

      // C on the node that has the focus opens the same choice, from its first port; Escape gives the focus back.
      await kpage.keyboard.press('Escape');
      const node = kpage.locator('.react-flow__node[data-id="condition"]');
      await waitForFocus(node);
      await kpage.keyboard.press('c');
      await waitForFocus(search);
      expect(await dialog.getByLabel('Output').inputValue()).to.equal('true');
      await dialog.getByText('Not offered: 1 is a trigger, 1 already connected from this port.').waitFor();
      expect(await offered().evaluateAll((els) => els.map((el) => el.getAttribute('data-node')))).to.deep.equal([delayId]);
      await kpage.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await waitForFocus(node);

      // One undo takes the connection back, redo brings it again.
      await kpage.keyboard.press('Control+z');
      await edge.waitFor({ state: 'detached' });
      await kpage.keyboard.press('Control+Shift+z');
      await edge.waitFor();
      // The shortcuts help tells of C.
      await kpage.keyboard.press('?');
      const help = kpage.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await help.getByText('C on a node (focused, or the one selected)').waitFor();
      await kpage.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
    });

    it('shows where the focus is on every stop of the canvas screen, the node panel included', async () => {
      const seen: string[] = [];
      const missing: string[] = [];
      await kpage.locator('[data-node-panel]').waitFor();
      await kpage.locator('body').evaluate((body) => (body.ownerDocument.activeElement as { blur?(): void } | null)?.blur?.());
      for (let i = 0; i < 80; i++) {
        await kpage.keyboard.press('Tab');
        // What the stop is and whether it shows a focus ring (an outline, a box shadow, or for an edge its path).
        const stop = await kpage.locator(':focus').first().evaluate((el) => {
          const view = el.ownerDocument.defaultView!;
          const style = view.getComputedStyle(el);
          const classes = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
          const name = `${el.tagName.toLowerCase()}${classes} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`;
          if (el.classList.contains('react-flow__edge')) {
            const path = el.querySelector('.react-flow__edge-path');
            return { name, ring: !!path && parseFloat(view.getComputedStyle(path).strokeWidth) >= 3 };
          }
          const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
          return { name, ring: outline || (style.boxShadow !== '' && style.boxShadow !== 'none') };
        }).catch(() => null);
        if (!stop) continue;
        seen.push(stop.name);
        if (!stop.ring) missing.push(stop.name);
      }
      expect(seen.length, 'Tab stops reached').to.be.greaterThan(30);
      expect(seen.some((s) => s.startsWith('div.react-flow__node')), `a canvas node among ${seen.join(', ')}`).to.equal(true);
      expect(missing, 'stops without a focus ring').to.deep.equal([]);
    });

    it('wrote no console errors', () => {
      expect(kerrors).to.deep.equal([]);
    });
  });

  it('fits the canvas screen at 1280 × 720: header on one line, toolbar, palette, canvas and node panel side by side', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'light' });
    await context.addInitScript((token) => localStorage.setItem('switchboard.token', token), owner.token);
    const narrow = await openPage(context, errors);
    try {
      await narrow.goto(`${server.url}/s/${ws.sid}/flows/${flowId}`);
      await narrow.getByTestId('node-condition').click();
      const panel = narrow.locator('[data-node-panel]');
      await panel.getByLabel('Rule 1 value').waitFor();
      await narrow.screenshot({ path: `${docs}narrow-1280.png` });
      expect(await narrow.locator('html').evaluate((html) => html.scrollWidth), 'no horizontal scrolling').to.be.at.most(1280);

      // One line: no item of the header wraps (a wrapped name or button is two lines of text, 40 px and more).
      const heights = await narrow.locator('.topbar > *').evaluateAll((els) => els.map((el) => [el.textContent?.trim().slice(0, 20), el.getBoundingClientRect().height] as const));
      for (const [name, height] of heights) expect(height, `${name} on one line`).to.be.below(38);
      const box = async (selector: string) => (await narrow.locator(selector).first().boundingBox())!;
      const inside = (b: { x: number; y: number; width: number; height: number }) => b.x >= 0 && b.x + b.width <= 1280 && b.y >= 0;
      // Every control of the header and the toolbar is on screen and none covers another.
      for (const bar of ['.topbar', '[role="toolbar"][aria-label="Flow"]']) {
        const boxes = await narrow.locator(`${bar} > *`).evaluateAll((els) => els.filter((el) => el.getClientRects().length).map((el) => { const r = el.getBoundingClientRect(); return { name: el.textContent?.trim().slice(0, 20) ?? '', x: r.x, y: r.y, width: r.width, height: r.height }; }));
        for (const b of boxes) expect(inside(b), `${b.name} (${bar}) on screen`).to.equal(true);
        const sorted = boxes.filter((b) => b.width > 0).sort((a, b) => a.x - b.x);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.x, `${sorted[i]!.name} clear of ${sorted[i - 1]!.name}`).to.be.at.least(sorted[i - 1]!.x + sorted[i - 1]!.width - 0.5);
      }
      const palette = await box('.palette');
      const canvas = await box('.canvas');
      const side = await box('[data-node-panel]');
      expect(palette.x + palette.width, 'palette, then canvas').to.be.at.most(canvas.x + 0.5);
      expect(canvas.x + canvas.width, 'canvas, then panel').to.be.at.most(side.x + 0.5);
      expect(side.x + side.width, 'the panel within the window').to.be.at.most(1280);
      expect(canvas.width, 'room left to build in').to.be.at.least(500);
      // The panel scrolls inside itself rather than running off the bottom of the window.
      expect(side.y + side.height).to.be.at.most(720);
    } finally {
      await context.close();
    }
  });
});

