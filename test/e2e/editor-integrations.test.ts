import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { FakeGhl } from '../fakes/ghl/server.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
import { databaseKinds } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency, type Agency } from '../helpers/story.js';
import { DESKTOP, launchChromium, openPage, saveFailure } from './helpers/browser.js';
import { buildEditorIfStale } from './helpers/editor-build.js';

const sqlite = databaseKinds.find((k) => k.name === 'sqlite')!;
const docs = fileURLToPath(new URL('../../docs/editor/', import.meta.url));
const shot = (page: Page, name: string) => page.screenshot({ path: `${docs}${name}.png` });

const LOCATION = 'loc_e2e_1';
const GHL_TOKEN = 'pit-e2e-token-123456';
const STRIPE_KEY = 'sk_test_switchboard_editor';
const PROFESSIONAL_MONTHLY = 'price_professional_monthly_e2e';

describe('The editor’s integrations, option dropdowns and billing in Chromium', function () {
  this.timeout(180_000);
  let server: TestServer;
  let ghl: FakeGhl;
  let stripe: FakeStripe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let owner: Agency;
  let sid: string;
  const api = (method: string, path: string, body?: unknown) => server.request(method, path, { token: owner.token, body });

  before(async () => {
    buildEditorIfStale();
    mkdirSync(docs, { recursive: true });
    ghl = await FakeGhl.start({ locationId: LOCATION, token: GHL_TOKEN });
    stripe = await startFakeStripe();
    stripe.keys.set(STRIPE_KEY, { livemode: false });
    stripe.prices.add(PROFESSIONAL_MONTHLY);
    // The GoHighLevel base URL comes from the environment, as in production.
    process.env.GHL_API_URL = ghl.url;
    server = await startServer(sqlite, {
      ALLOW_PRIVATE_NETWORK: 'true',
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: 'whsec_switchboard_editor',
      STRIPE_API_URL: stripe.url,
      STRIPE_PRICE_PROFESSIONAL_MONTHLY: PROFESSIONAL_MONTHLY,
    });
    owner = await registerAgency(server, 'Northwind Marketing');
    sid = await createSubaccount(server, owner.token, 'Bakery client');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: DESKTOP });
    errors = [];
    page = await openPage(context, errors);
    await page.goto(server.url);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('heading', { name: 'Flows' })
      .waitFor()
      .catch(async (err) => {
        await saveFailure(page, 'editor-integrations');
        throw new Error(`${err.message}\nConsole: ${errors.join('\n')}`);
      });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailure(page, 'editor-integrations');
  });
  after(async () => {
    delete process.env.GHL_API_URL;
    await browser?.close();
    await server?.close();
    await ghl?.close();
    await stripe?.close();
  });

  it('connects a webhook signing secret through the wizard: form, save, test connection, active', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations' }).waitFor();
    const card = page.locator('article[data-template="webhook-secret"]');
    expect(await card.locator('.status').textContent()).to.equal('not connected');
    await page.getByRole('button', { name: 'Connect Webhook signing secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect Webhook signing secret' });
    await dialog.getByLabel('Name').fill('Typeform signing');
    // Too short for the template's schema: the server's message is shown where the person typed.
    await dialog.getByLabel('secret').fill('short');
    await dialog.getByRole('button', { name: 'Save and continue' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The integration config is invalid.' }).waitFor();
    await dialog.getByLabel('secret').fill('whsec-typeform-0123456789');
    expect(await dialog.getByLabel('secret').getAttribute('type')).to.equal('password');
    await dialog.getByRole('button', { name: 'Save and continue' }).click();
    await dialog.getByText('is saved (pending)').waitFor();
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.getByTestId('test-result').filter({ hasText: 'The secret is stored and readable' }).waitFor();
    await shot(page, 'integration-wizard');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.getByText('Typeform signing is active').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = page.locator('tr[data-integration="Typeform signing"]');
    await row.locator('.status').filter({ hasText: 'active' }).waitFor();
    expect(await row.textContent()).to.include('just now'); // last tested
    await card.locator('.status').filter({ hasText: '1 connected · active' }).waitFor();
    const stored = (await api('GET', `/api/subaccounts/${sid}/integrations`)).body.items;
    expect(stored).to.have.length(1);
    expect(stored[0]).to.deep.include({ name: 'Typeform signing', template: 'webhook-secret', status: 'active', config: { secret: '********' } });
    await shot(page, 'integrations');
  });

  it('edits it with the secret masked (kept when sent back), and deletes it after a confirmation', async () => {
    const row = page.locator('tr[data-integration="Typeform signing"]');
    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Typeform signing' });
    expect(await dialog.getByLabel('secret').inputValue()).to.equal('********');
    await dialog.getByLabel('Name').fill('Typeform');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.getByTestId('test-result').filter({ hasText: 'stored and readable' }).waitFor();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.locator('tr[data-integration="Typeform"]').waitFor();

    // The audit log names the changed fields: the name, not the secret (sent back masked, so kept).
    await page.getByRole('tab', { name: 'Audit log' }).click();
    const updated = page.getByRole('table', { name: 'Audit log' }).locator('tr').filter({ hasText: 'integration.updated' });
    expect((await updated.locator('td').nth(4).textContent())?.trim()).to.equal('name');
    await page.getByRole('table', { name: 'Audit log' }).locator('tr').filter({ hasText: 'integration.tested' }).first().waitFor();
    await shot(page, 'audit-log');

    await page.getByRole('tab', { name: 'Services' }).click();
    await page.locator('tr[data-integration="Typeform"]').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete Typeform?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Nothing connected yet.').waitFor();
    expect((await api('GET', `/api/subaccounts/${sid}/integrations`)).body.items).to.deep.equal([]);
  });

  it('creates, edits and deletes a custom template with a JSON Schema (owners and admins)', async () => {
    await page.getByRole('tab', { name: 'Custom templates' }).click();
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New template' });
    await dialog.getByLabel('Name (a short id)').fill('acme-crm');
    await dialog.getByLabel('Display name').fill('Acme CRM');
    const schema = dialog.getByLabel(/Config schema/);
    await schema.fill('{"type": "object", "properties": {');
    await dialog.getByText('The config schema is not JSON').waitFor();
    await schema.fill(JSON.stringify({ type: 'object', required: ['baseUrl', 'apiKey'], properties: { baseUrl: { type: 'string', format: 'uri' }, apiKey: { type: 'string', 'x-secret': true } } }));
    await dialog.getByText('secrets: apiKey').waitFor();
    await dialog.getByLabel('HTTP authentication').selectOption('bearer');
    await dialog.getByLabel('tokenField').fill('apiKey');
    await dialog.getByLabel('Base URL field').fill('baseUrl');
    await dialog.getByRole('button', { name: 'Save template' }).click();
    const row = page.locator('tr[data-template="acme-crm"]');
    await row.waitFor();
    expect(await row.textContent()).to.include('apiKey');
    const created = (await api('GET', '/api/integration-templates')).body.find((t: { name: string }) => t.name === 'acme-crm');
    expect(created).to.deep.include({ custom: true, displayName: 'Acme CRM', auth: { type: 'bearer', tokenField: 'apiKey' }, baseUrlField: 'baseUrl' });

    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Acme CRM' });
    await edit.getByLabel('Display name').fill('Acme CRM (EU)');
    await edit.getByRole('button', { name: 'Save template' }).click();
    await row.filter({ hasText: 'Acme CRM (EU)' }).waitFor();
    // Its card is among the services, under Custom.
    await page.getByRole('tab', { name: 'Services' }).click();
    await page.getByRole('region', { name: 'Custom' }).getByRole('heading', { name: 'Acme CRM (EU)' }).waitFor();

    await page.getByRole('tab', { name: 'Custom templates' }).click();
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete Acme CRM (EU)?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No custom templates yet.').waitFor();
    await page.getByRole('tab', { name: 'Services' }).click();
  });

  it('connects GoHighLevel from a node’s panel and fills its pipeline and stage from the location’s pipelines', async () => {
    const flow = (await api('POST', `/api/subaccounts/${sid}/flows`, { name: 'New deals', graph: { nodes: [{ id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } }], edges: [] } })).body;
    await page.goto(`${server.url}/s/${sid}/flows/${flow.id}`);
    await page.getByTestId('node-start').waitFor();
    await page.getByLabel('Search nodes').fill('create opportunity');
    await page.locator('.palette-item[data-type="ghl.opportunity.create"]').dblclick();
    const panel = page.getByRole('complementary', { name: /Node/ });
    const picker = panel.getByLabel('GoHighLevel integration');
    await picker.waitFor();
    // No integration yet: the dropdowns say how to get choices, and typing stays possible.
    await panel.getByText('Choose an integration to pick from a list, or type a value.').first().waitFor();

    await panel.getByRole('button', { name: 'Connect new' }).click();
    const wizard = page.getByRole('dialog', { name: 'Connect GoHighLevel' });
    await wizard.getByLabel('Private Integration Token').fill(GHL_TOKEN);
    await wizard.getByLabel('Location ID').fill(LOCATION);
    await wizard.getByRole('button', { name: 'Save and continue' }).click();
    await wizard.getByRole('button', { name: 'Test connection' }).click();
    await wizard.getByTestId('test-result').filter({ hasText: `Connected to GoHighLevel location "Demo Dental" (${LOCATION}).` }).waitFor();
    await wizard.getByRole('button', { name: 'Continue' }).click();
    await wizard.getByRole('button', { name: 'Done' }).click();
    const integrations = (await api('GET', `/api/subaccounts/${sid}/integrations`)).body.items;
    const connected = integrations.find((i: { template: string }) => i.template === 'gohighlevel');
    expect(connected).to.deep.include({ status: 'active', config: { authType: 'token', token: '********', locationId: LOCATION } });
    // The new integration is chosen in the node at once.
    await page.waitForFunction(`document.querySelector('[id$="integrationId"]')?.value === ${JSON.stringify(connected.id)}`);

    const sales = ghl.location(LOCATION).pipelines[0]!;
    const pipeline = panel.getByRole('combobox', { name: 'Pipeline', exact: true });
    await pipeline.locator('option', { hasText: 'Sales' }).waitFor({ state: 'attached' });
    await pipeline.selectOption({ label: 'Sales' });
    const stage = panel.getByRole('combobox', { name: 'Stage', exact: true });
    await stage.locator('option', { hasText: 'Qualified' }).waitFor({ state: 'attached' });
    expect(await stage.locator('option').allTextContents()).to.deep.equal(['Choose stage', 'New', 'Qualified', 'Won']);
    await stage.selectOption({ label: 'Qualified' });
    // Custom fields by key: an opportunity node is offered the opportunity's fields, and any key can be typed.
    await panel.getByRole('button', { name: '+ Add custom field' }).click();
    const keyInput = panel.getByLabel('Custom fields 1 key');
    const offered = panel.locator(`datalist#${await keyInput.getAttribute('list')} option`);
    await offered.first().waitFor({ state: 'attached' });
    expect(await offered.evaluateAll((options) => options.map((o) => o.getAttribute('value')))).to.deep.equal(['opportunity.deal_source']);
    await keyInput.fill('opportunity.deal_source');
    await panel.getByLabel('Custom fields 1 value').fill('{{ $json.source }}');
    await panel.getByLabel('Contact ID').fill('{{ $json.contactId }}');
    await panel.getByLabel('Name', { exact: true }).last().fill('Cake order');
    await picker.scrollIntoViewIfNeeded();
    await shot(page, 'option-dropdowns');
    expect(ghl.requests.some((r) => r.path === '/opportunities/pipelines')).to.equal(true);

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 2' }).waitFor();
    const saved = (await api('GET', `/api/subaccounts/${sid}/flows/${flow.id}`)).body.graph.nodes.find((n: { type: string }) => n.type === 'ghl.opportunity.create');
    expect(saved.config).to.deep.include({ integrationId: connected.id, pipelineId: sales.id, stageId: sales.stages[1]!.id, contactId: '{{ $json.contactId }}', name: 'Cake order' });
    expect(saved.config.customFields).to.deep.equal({ 'opportunity.deal_source': '{{ $json.source }}' });
  });

  it('shows the plan, usage against limits, executions per day, and upgrades through Stripe Checkout', async () => {
    // One webhook delivery today, so today's bar in the chart has something to show (the flow is switched off
    // again: the next story counts the active flows).
    const flow = (await api('POST', `/api/subaccounts/${sid}/flows`, { name: 'Counted delivery', graph: { nodes: [{ id: 'hook', type: 'trigger.webhook' }], edges: [] } })).body;
    expect((await api('POST', `/api/subaccounts/${sid}/flows/${flow.id}/activate`)).status).to.equal(200);
    expect((await server.request('POST', new URL(flow.triggers[0].url).pathname, { body: { order: 1 } })).status).to.equal(202);
    expect((await api('POST', `/api/subaccounts/${sid}/flows/${flow.id}/deactivate`)).status).to.equal(200);
    const today = new Date().toISOString().slice(0, 10);
    const counted = (await api('GET', '/api/billing/usage')).body.days.find((d: { day: string }) => d.day === today).executions as number;
    expect(counted).to.be.at.least(1);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('heading', { name: 'Billing' }).waitFor();
    expect(await page.getByTestId('plan').textContent()).to.include('Starter');
    expect(await page.getByTestId('billing-status').textContent()).to.equal('trialing');
    const subaccounts = page.locator('[data-limit="subaccounts"]');
    expect(await subaccounts.textContent()).to.include('1 of 3');
    expect(await page.getByRole('meter', { name: 'Sub-accounts' }).getAttribute('aria-valuenow')).to.equal('1');
    const chart = page.getByRole('img', { name: /^Executions per day from / });
    await chart.waitFor();
    const bar = chart.locator(`rect[data-day="${today}"]`);
    expect(await bar.getAttribute('data-executions')).to.equal(String(counted));
    expect(await bar.locator('title').textContent()).to.match(new RegExp(`: ${counted} executions?$`));
    expect(Number(await bar.getAttribute('height'))).to.be.greaterThan(0);
    expect(await page.getByTestId('usage-chart').locator('figcaption').textContent()).to.include(`${counted} execution`);
    await shot(page, 'billing');

    // Stripe's hosted page is outside the test: answer it here and check the browser was sent to the session's URL.
    await page.route('https://checkout.stripe.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Stripe Checkout</h1>' }));
    await page.getByRole('article', { name: 'Professional' }).getByRole('button', { name: 'Choose Professional' }).click();
    await page.waitForURL(/checkout\.stripe\.com/);
    const [session] = [...stripe.checkoutSessions.values()];
    expect(page.url()).to.equal(session!.url);
    expect(session!.client_reference_id).to.equal(owner.agencyId);
    expect(JSON.stringify(session!.line_items)).to.include(PROFESSIONAL_MONTHLY);
    await page.goto(`${server.url}/billing?checkout=cancelled`);
    await page.getByText('The checkout was cancelled; nothing changed.').waitFor();
  });

  it('shows a plan limit’s refusal where it happened, with the way to the billing page', async () => {
    // Activating flows past the limit is the refusal a person meets in the flows list: fill the 10 active flows.
    for (let i = 0; i < 10; i++) {
      const f = (await api('POST', `/api/subaccounts/${sid}/flows`, { name: `Active ${i}`, graph: { nodes: [{ id: 'hook', type: 'trigger.webhook' }], edges: [] } })).body;
      expect((await api('POST', `/api/subaccounts/${sid}/flows/${f.id}/activate`)).status).to.equal(200);
    }
    await page.goto(`${server.url}/s/${sid}/flows`);
    await page.getByLabel('Active: New deals').waitFor();
    await page.getByLabel('Active: New deals').click();
    const banner = page.getByTestId('plan-limit');
    await banner.waitFor();
    expect(await banner.textContent()).to.match(/active flows/i);
    await shot(page, 'plan-limit');
    await banner.getByRole('link', { name: /billing page/ }).click();
    await page.getByRole('heading', { name: 'Billing' }).waitFor();
    expect(new URL(page.url()).pathname).to.equal('/billing');
    expect(await page.locator('[data-limit="activeFlows"]').getAttribute('class')).to.include('over');
    // The only console errors are the refused requests the test provoked (400 invalid config, 429 limit).
    expect(errors.filter((e) => !/status of (400|429)/.test(e))).to.deep.equal([]);
  });
});
