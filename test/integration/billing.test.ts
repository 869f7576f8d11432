import { expect } from 'chai';
import { agencyWithUsage } from '../helpers/billing.js';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser, createSubaccount, registerAgency, type Agency } from '../helpers/story.js';
import { until } from '../helpers/until.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
import { event, invoice, seconds, signed, subscription, subscriptionId } from '../fakes/stripe/events.js';
import { dayOf } from '../../server/billing/clock.js';

const SECRET_KEY = 'sk_test_switchboard_billing';
const WEBHOOK_SECRET = 'whsec_test_switchboard_billing';
const PRICES = { professional: 'price_professional_monthly', business: 'price_business_annual', starter: 'price_starter_monthly' };
const DAY_MS = 86_400_000;

const hookFlow = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook', config: {} },
    { id: 'reply', type: 'logic.set', config: { value: { got: '{{ $json.body }}' } } },
  ],
  edges: [{ source: 'hook', target: 'reply' }],
};

for (const kind of databaseKinds) {
  describe(`plans, usage and Stripe billing (${kind.name})`, function () {
    this.timeout(60_000);
    let stripe: FakeStripe;
    let server: TestServer;

    before(async () => {
      stripe = await startFakeStripe();
      stripe.keys.set(SECRET_KEY, { livemode: false });
      for (const price of Object.values(PRICES)) stripe.prices.add(price);
      server = await startServer(kind, {
        STRIPE_SECRET_KEY: SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: stripe.url,
        STRIPE_PRICE_PROFESSIONAL_MONTHLY: PRICES.professional,
        STRIPE_PRICE_BUSINESS_ANNUAL: PRICES.business,
        STRIPE_PRICE_STARTER_MONTHLY: PRICES.starter,
        BILLING_TRIAL_DAYS: '14',
        BILLING_GRACE_DAYS: '7',
      });
    });
    after(async () => {
      await server?.close();
      await stripe?.close();
    });

    const deliver = (payload: unknown, secret = WEBHOOK_SECRET) => {
      const { body, headers } = signed(payload, secret);
      return server.request('POST', '/webhooks/stripe', { raw: body, headers });
    };
    const billingOf = async (agency: Agency) => {
      const res = await server.request('GET', '/api/billing', { token: agency.token });
      expect(res.status, res.text).to.equal(200);
      return res.body;
    };

    /** Checkout as the owner, then Stripe's events for the subscription it made. */
    async function subscribe(agency: Agency, plan: keyof typeof PRICES = 'professional', created = seconds()) {
      const checkout = await server.request('POST', '/api/billing/checkout', { token: agency.token, body: { plan, interval: plan === 'business' ? 'annual' : 'monthly' } });
      expect(checkout.status, checkout.text).to.equal(200);
      const session = [...stripe.checkoutSessions.values()].find((s) => s.client_reference_id === agency.agencyId && s.url === checkout.body.url)!;
      const sub = { id: subscriptionId(), customer: String(session.customer), status: 'active', price: PRICES[plan], periodStart: created, periodEnd: created + 30 * 86_400, metadata: { agencyId: agency.agencyId } };
      expect((await deliver(event('checkout.session.completed', { ...session, status: 'complete', subscription: sub.id }, { created }))).status).to.equal(200);
      expect((await deliver(event('customer.subscription.created', subscription(sub), { created }))).status).to.equal(200);
      return sub;
    }

    it('starts a new agency on starter, trialing, and upgrades it through checkout and Stripe’s webhook', async () => {
      const agency = await registerAgency(server);
      const before = await billingOf(agency);
      expect(before).to.include({ enabled: true, plan: 'starter', status: 'trialing' });
      expect(before.limits).to.include({ executionsPerMonth: 5000, activeFlows: 10, subaccounts: 3, users: 3, apiRequestsPer15Minutes: 100 });
      expect(before.usage).to.deep.equal({ executions: 0, activeFlows: 0, subaccounts: 0, users: 1 });
      expect(new Date(before.trialEndsAt).getTime()).to.be.greaterThan(Date.now() + 13 * DAY_MS);

      const first = await server.request('POST', '/api/billing/checkout', { token: agency.token, body: { plan: 'professional', interval: 'monthly' } });
      expect(first.status).to.equal(200);
      expect(first.body.url).to.match(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
      const again = await server.request('POST', '/api/billing/checkout', { token: agency.token, body: { plan: 'professional', interval: 'monthly' } });
      expect(again.status).to.equal(200);
      // One Stripe customer per agency, however many checkouts; the agency named in the session.
      const mine = [...stripe.customers.values()].filter((c) => (c.metadata as Record<string, string>).agencyId === agency.agencyId);
      expect(mine).to.have.length(1);
      const session = stripe.checkoutSessions.get(first.body.url.split('/').pop())!;
      expect(session).to.include({ mode: 'subscription', customer: mine[0].id, client_reference_id: agency.agencyId });
      expect(session.metadata).to.deep.equal({ agencyId: agency.agencyId, plan: 'professional', interval: 'monthly' });
      expect(session.line_items).to.deep.equal([{ price: PRICES.professional, quantity: '1' }]);
      // Still in the trial: billing starts when it ends.
      expect(Number((session.subscription_data as { trial_end: string }).trial_end)).to.be.closeTo(new Date(before.trialEndsAt).getTime() / 1000, 2);
      const sent = stripe.sent.filter((r) => r.path === '/v1/checkout/sessions');
      expect(sent.every((r) => r.headers.authorization === `Bearer ${SECRET_KEY}`)).to.equal(true);

      const sub = await subscribe(agency);
      const after = await billingOf(agency);
      expect(after).to.include({ plan: 'professional', limitsPlan: 'professional', status: 'active', interval: 'monthly' });
      expect(after.limits).to.include({ executionsPerMonth: 50_000, subaccounts: 15, apiRequestsPer15Minutes: 500 });
      expect(after.periodStart).to.equal(new Date(sub.periodStart * 1000).toISOString());
      expect(after.periodEnd).to.equal(new Date(sub.periodEnd * 1000).toISOString());
      const me = await server.request('GET', '/api/auth/me', { token: agency.token });
      expect(me.body.agency.plan).to.equal('professional');

      const portal = await server.request('POST', '/api/billing/portal', { token: agency.token });
      expect(portal.status).to.equal(200);
      const portalSession = [...stripe.portalSessions.values()].find((p) => p.url === portal.body.url)!;
      expect(portalSession.customer).to.equal(mine[0].id);
      const audit = await server.request('GET', '/api/audit', { token: agency.token });
      expect(audit.body.items.map((e: { action: string }) => e.action)).to.include('billing.checkout_started');
    });

    it('refuses a sub-account, a user and an activation past the plan with 429 plan_limit_reached, and lets them through after an upgrade', async () => {
      const agency = await registerAgency(server);
      const sid = await createSubaccount(server, agency.token, 'One');
      await createSubaccount(server, agency.token, 'Two');
      await createSubaccount(server, agency.token, 'Three');
      const fourth = await server.request('POST', '/api/subaccounts', { token: agency.token, body: { name: 'Four' } });
      expect(fourth.status).to.equal(429);
      expect(fourth.headers.get('retry-after')).to.match(/^\d+$/);
      expect(fourth.body.error.code).to.equal('plan_limit_reached');
      expect(fourth.body.error.message).to.match(/Starter plan allows 3 sub-accounts.*Upgrade to Professional/);
      expect(fourth.body.error.details[0]).to.include({ limit: 'subaccounts', plan: 'starter', max: 3, used: 3, upgradeTo: 'professional' });

      await addUser(server, agency.token, 'builder', [sid]);
      await addUser(server, agency.token, 'viewer', [sid]);
      const user = await server.request('POST', '/api/users', { token: agency.token, body: { email: `extra-${Date.now()}@example.com`, password: 'a long password', role: 'viewer' } });
      expect(user.status).to.equal(429);
      expect(user.body.error.details[0]).to.include({ limit: 'users', max: 3 });

      const ws: Workspace = { server, token: agency.token, sid };
      const flows = [];
      for (let i = 0; i < 11; i++) flows.push(await createFlow(ws, hookFlow, `Flow ${i}`));
      for (const flow of flows.slice(0, 10)) await activate(ws, flow.id);
      const eleventh = await server.request('POST', `/api/subaccounts/${sid}/flows/${flows[10].id}/activate`, { token: agency.token });
      expect(eleventh.status).to.equal(429);
      expect(eleventh.body.error.details[0]).to.include({ limit: 'activeFlows', max: 10, used: 10 });
      // Activating an active flow again adds nothing, so it is not refused.
      expect((await server.request('POST', `/api/subaccounts/${sid}/flows/${flows[0].id}/activate`, { token: agency.token })).status).to.equal(200);

      await subscribe(agency);
      expect((await server.request('POST', '/api/subaccounts', { token: agency.token, body: { name: 'Four' } })).status).to.equal(201);
      expect((await server.request('POST', `/api/subaccounts/${sid}/flows/${flows[10].id}/activate`, { token: agency.token })).status).to.equal(200);
      expect((await server.request('POST', '/api/users', { token: agency.token, body: { email: `extra-${Date.now()}@example.com`, password: 'a long password', role: 'viewer' } })).status).to.equal(201);
    });

    it('keeps everything on a downgrade, says what is over the new plan, and refuses only adding more', async () => {
      const agency = await registerAgency(server);
      const sub = await subscribe(agency);
      for (const name of ['A', 'B', 'C', 'D']) await createSubaccount(server, agency.token, name);
      const down = subscription({ ...sub, price: PRICES.starter });
      expect((await deliver(event('customer.subscription.updated', down, { created: sub.periodStart + 60 }))).status).to.equal(200);
      const billing = await billingOf(agency);
      expect(billing.plan).to.equal('starter');
      expect(billing.overLimits).to.deep.equal([{ limit: 'subaccounts', max: 3, used: 4, message: billing.overLimits[0].message }]);
      expect(billing.overLimits[0].message).to.match(/keep working/);
      const list = await server.request('GET', '/api/subaccounts', { token: agency.token });
      expect(list.body.items).to.have.length(4);
      const fifth = await server.request('POST', '/api/subaccounts', { token: agency.token, body: { name: 'E' } });
      expect(fifth.status).to.equal(429);
      expect(fifth.body.error.message).to.match(/Nothing was deactivated or removed/);
    });

    it('keeps a webhook past the monthly executions in the inbox, answers 429, and starts it after the upgrade', async () => {
      // The month so far: 4,999 of starter's 5,000 executions used.
      const { agency, ws } = await agencyWithUsage(server, 4999);
      const flow = await createFlow(ws, hookFlow);
      await activate(ws, flow.id);
      const path = new URL(flow.triggers[0].url!).pathname;

      const last = await server.request('POST', path, { body: { n: 1 } });
      expect(last.status).to.equal(202);
      const over = await server.request('POST', path, { body: { n: 2 } });
      expect(over.status).to.equal(429);
      expect(over.headers.get('retry-after')).to.match(/^\d+$/);
      expect(over.body.error.code).to.equal('plan_limit_reached');
      expect(over.body.error.message).to.match(/5000 executions this billing period.*stored/);
      const heldId = over.body.error.details[0].executionId;
      const inbox = await server.app.models.WebhookEvent.findOne({ where: { executionId: heldId } });
      expect(inbox, 'the refused delivery is in the inbox').to.not.equal(null);
      const held = await server.request('GET', `/api/subaccounts/${ws.sid}/executions/${heldId}`, { token: agency.token });
      expect(held.body.status).to.equal('waiting');
      expect(held.body.trigger.type).to.equal('webhook');
      await new Promise((r) => setTimeout(r, 2500));
      expect((await server.app.models.Execution.findByPk(heldId))!.status, 'still held after a release pass').to.equal('waiting');
      expect((await billingOf(agency)).heldExecutions).to.equal(1);

      await subscribe(agency);
      await until(async () => (await server.app.models.Execution.findByPk(heldId))!.status === 'succeeded', 15_000, 'the held execution ran after the upgrade');
      const ran = await server.request('GET', `/api/subaccounts/${ws.sid}/executions/${heldId}`, { token: agency.token });
      expect(ran.body.steps.find((s: { nodeId: string }) => s.nodeId === 'reply').output).to.deep.equal({ got: { n: 2 } });
      const billing = await billingOf(agency);
      expect(billing.heldExecutions).to.equal(0);
      expect(billing.usage.executions).to.equal(5001);
      const usage = await server.request('GET', '/api/billing/usage', { token: agency.token });
      expect(usage.status).to.equal(200);
      expect(usage.body.days.find((d: { day: string }) => d.day === dayOf(new Date())).executions).to.equal(5001);
    });

    it('starts held executions by itself when a new period begins', async () => {
      const { agency, ws } = await agencyWithUsage(server, 5000);
      const flow = await createFlow(ws, hookFlow);
      await activate(ws, flow.id);
      const over = await server.request('POST', new URL(flow.triggers[0].url!).pathname, { body: { n: 3 } });
      expect(over.status).to.equal(429);
      const heldId = over.body.error.details[0].executionId;
      const billing = await billingOf(agency);
      // The calendar month (no subscription) ends; billing's clock moves there, as time would.
      server.app.billing!.clock.advance(new Date(billing.periodEnd).getTime() - Date.now() + 60_000);
      try {
        await until(async () => (await server.app.models.Execution.findByPk(heldId))!.status === 'succeeded', 15_000, 'the held execution ran in the new period');
        expect((await billingOf(agency)).usage.executions).to.equal(1);
      } finally {
        server.app.billing!.clock.advance(-(new Date(billing.periodEnd).getTime() - Date.now() + 60_000));
      }
    });

    it('refuses a bad signature with 400 and applies nothing', async () => {
      const agency = await registerAgency(server);
      await server.request('POST', '/api/billing/checkout', { token: agency.token, body: { plan: 'professional', interval: 'monthly' } });
      const customer = [...stripe.customers.values()].find((c) => (c.metadata as Record<string, string>).agencyId === agency.agencyId)!;
      const sub = subscription({ id: subscriptionId(), customer: customer.id as string, status: 'active', price: PRICES.professional, periodStart: seconds(), periodEnd: seconds() + 30 * 86_400, metadata: { agencyId: agency.agencyId } });
      const forged = event('customer.subscription.created', sub);
      const wrong = await deliver(forged, 'whsec_someone_else');
      expect(wrong.status).to.equal(400);
      expect(wrong.body.error.code).to.equal('invalid_signature');
      const unsigned = await server.request('POST', '/webhooks/stripe', { body: forged });
      expect(unsigned.status).to.equal(400);
      const { body, headers } = signed(forged, WEBHOOK_SECRET);
      const tampered = await server.request('POST', '/webhooks/stripe', { raw: body.replace('"active"', '"trialing"'), headers });
      expect(tampered.status).to.equal(400);
      const stale = signed(forged, WEBHOOK_SECRET, seconds() - 3600);
      expect((await server.request('POST', '/webhooks/stripe', { raw: stale.body, headers: stale.headers })).status).to.equal(400);
      const notAnEvent = await deliver({ hello: 'world' });
      expect(notAnEvent.status).to.equal(400);
      expect(notAnEvent.body.error.code).to.equal('invalid_event');
      expect((await server.request('GET', '/webhooks/stripe')).status).to.equal(405);
      expect(await server.app.models.StripeEvent.findByPk(forged.id)).to.equal(null);
      expect((await billingOf(agency)).plan).to.equal('starter');
      // The same event, signed: applied.
      expect((await deliver(forged)).body).to.deep.equal({ received: true, outcome: 'applied' });
      expect((await billingOf(agency)).plan).to.equal('professional');
    });

    it('applies each event id once and lets the newer event win whatever the arrival order', async () => {
      const agency = await registerAgency(server);
      const t0 = seconds() - 600;
      const sub = await subscribe(agency, 'professional', t0);
      const toBusiness = event('customer.subscription.updated', subscription({ ...sub, price: PRICES.business }), { created: t0 + 300 });
      const olderToStarter = event('customer.subscription.updated', subscription({ ...sub, price: PRICES.starter }), { created: t0 + 100 });
      expect((await deliver(toBusiness)).body.outcome).to.equal('applied');
      expect((await deliver(olderToStarter)).body.outcome).to.equal('applied');
      let billing = await billingOf(agency);
      expect(billing.plan, 'an older event arriving late changes nothing').to.equal('business');
      expect(billing.interval).to.equal('annual');
      expect((await deliver(toBusiness)).body.outcome).to.equal('duplicate');
      expect(await server.app.models.StripeEvent.count({ where: { id: toBusiness.id } })).to.equal(1);

      // Deleted, then an update of the same moment arrives late: it stays deleted.
      const deleted = event('customer.subscription.deleted', subscription({ ...sub, price: PRICES.business, status: 'canceled' }), { created: t0 + 400 });
      const late = event('customer.subscription.updated', subscription({ ...sub, price: PRICES.business }), { created: t0 + 400 });
      await deliver(deleted);
      await deliver(late);
      billing = await billingOf(agency);
      expect(billing).to.include({ status: 'canceled', limitsPlan: 'starter' });
      expect(billing.limits.subaccounts).to.equal(3);

      // A new subscription later: a deletion of the old one arriving after it does not cancel the new one.
      const renewed = { ...sub, id: subscriptionId(), periodStart: t0 + 500 };
      await deliver(event('customer.subscription.created', subscription(renewed), { created: t0 + 500 }));
      await deliver(event('customer.subscription.deleted', subscription({ ...sub, status: 'canceled' }), { created: t0 + 550 }));
      expect(await billingOf(agency)).to.include({ status: 'active', plan: 'professional' });
    });

    it('keeps the plan through a failed payment’s grace period, then drops to starter limits, and back once paid', async () => {
      const agency = await registerAgency(server);
      const sub = await subscribe(agency, 'professional', seconds() - 60);
      const failed = await deliver(event('invoice.payment_failed', invoice(sub.customer, sub.id, 'open'), { created: seconds() - 30 }));
      expect(failed.body.outcome).to.equal('applied');
      let billing = await billingOf(agency);
      expect(billing).to.include({ status: 'past_due', plan: 'professional', limitsPlan: 'professional' });
      expect(new Date(billing.graceEndsAt).getTime()).to.be.closeTo(Date.now() + 7 * DAY_MS, 120_000);
      for (const name of ['A', 'B', 'C', 'D']) await createSubaccount(server, agency.token, name);

      server.app.billing!.clock.advance(8 * DAY_MS);
      try {
        billing = await billingOf(agency);
        expect(billing).to.include({ status: 'past_due', plan: 'professional', limitsPlan: 'starter' });
        expect(billing.limits.subaccounts).to.equal(3);
        const refused = await server.request('POST', '/api/subaccounts', { token: agency.token, body: { name: 'E' } });
        expect(refused.status).to.equal(429);
        expect(refused.body.error.message).to.match(/past_due/);
        expect((await server.request('GET', '/api/subaccounts', { token: agency.token })).body.items).to.have.length(4);

        expect((await deliver(event('invoice.paid', invoice(sub.customer, sub.id, 'paid'), { created: seconds() }))).body.outcome).to.equal('applied');
        billing = await billingOf(agency);
        expect(billing).to.include({ status: 'active', limitsPlan: 'professional', graceEndsAt: null });
        expect((await server.request('POST', '/api/subaccounts', { token: agency.token, body: { name: 'E' } })).status).to.equal(201);
      } finally {
        server.app.billing!.clock.advance(-8 * DAY_MS);
      }
    });

    it('counts API requests per agency where every process sees them and answers 429 with Retry-After past the plan', async () => {
      const agency = await registerAgency(server);
      const other = await registerAgency(server);
      // A second process of the same installation shares the counts.
      const sibling = await startServer(kind, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: stripe.url }, server);
      try {
        for (let i = 0; i < 100; i++) {
          const via = i % 2 ? sibling : server;
          const res = await via.request('GET', '/api/auth/me', { token: agency.token });
          expect(res.status, `request ${i + 1}`).to.equal(200);
        }
        const refused = await sibling.request('GET', '/api/auth/me', { token: agency.token });
        expect(refused.status).to.equal(429);
        expect(refused.body.error.code).to.equal('rate_limited');
        expect(refused.body.error.message).to.match(/100 API requests per 15 minutes.*Professional/);
        expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 900);
        expect((await server.request('GET', '/api/auth/me', { token: other.token })).status).to.equal(200);
      } finally {
        await sibling.close();
      }
    });

    it('shows and changes billing for owners only (admins when allowed), and refuses bad input clearly', async () => {
      const agency = await registerAgency(server);
      const sid = await createSubaccount(server, agency.token);
      const admin = await addUser(server, agency.token, 'admin');
      const builder = await addUser(server, agency.token, 'builder', [sid]);
      for (const token of [admin, builder]) {
        expect((await server.request('GET', '/api/billing', { token })).status).to.equal(403);
        expect((await server.request('POST', '/api/billing/checkout', { token, body: { plan: 'professional', interval: 'monthly' } })).status).to.equal(403);
      }
      const key = await server.request('POST', `/api/subaccounts/${sid}/api-keys`, { token: agency.token, body: { name: 'script' } });
      expect((await server.request('GET', '/api/billing', { token: key.body.key })).status).to.equal(403);
      expect((await server.request('PATCH', '/api/billing', { token: admin, body: { adminsManageBilling: true } })).status).to.equal(403);
      const allowed = await server.request('PATCH', '/api/billing', { token: agency.token, body: { adminsManageBilling: true } });
      expect(allowed.status).to.equal(200);
      expect((await server.request('GET', '/api/billing', { token: admin })).status).to.equal(200);
      expect((await server.request('GET', '/api/billing', { token: builder })).status).to.equal(403);
      expect((await server.request('GET', '/api/billing')).status).to.equal(401);

      const bad = [
        { body: { plan: 'gold', interval: 'monthly' }, status: 400, path: '/plan' },
        { body: { plan: 'professional' }, status: 400, path: '/interval' },
        { body: { plan: 'professional', interval: 'weekly' }, status: 400, path: '/interval' },
        { body: { plan: 'enterprise', interval: 'annual' }, status: 422, path: '/plan' },
      ];
      for (const { body, status, path } of bad) {
        const res = await server.request('POST', '/api/billing/checkout', { token: agency.token, body });
        expect(res.status, JSON.stringify(body)).to.equal(status);
        expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include(path);
      }
      expect((await server.request('POST', '/api/billing/checkout', { token: agency.token, raw: '{"plan":', headers: { 'content-type': 'application/json' } })).status).to.equal(400);
      for (const query of ['from=yesterday', 'from=2026-02-30', 'from=2026-03-10&to=2026-03-01', 'from=2020-01-01&to=2026-01-01']) {
        const res = await server.request('GET', `/api/billing/usage?${query}`, { token: agency.token });
        expect(res.status, query).to.equal(400);
      }
      const range = await server.request('GET', '/api/billing/usage?from=2026-03-01&to=2026-03-03', { token: agency.token });
      expect(range.body).to.deep.equal({ from: '2026-03-01', to: '2026-03-03', total: 0, days: ['2026-03-01', '2026-03-02', '2026-03-03'].map((day) => ({ day, executions: 0 })) });
      const plans = await server.request('GET', '/api/billing/plans', { token: agency.token });
      expect(plans.body.map((p: { id: string }) => p.id)).to.deep.equal(['starter', 'professional', 'business', 'enterprise']);
      expect(plans.body[1].purchasable).to.deep.equal({ monthly: true, annual: false });
    });
  });

  describe(`billing off: no STRIPE_SECRET_KEY (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;

    before(async () => {
      server = await startServer(kind);
    });
    after(async () => server?.close());

    it('applies no limit anywhere and counts nothing', async () => {
      expect(server.app.billing).to.equal(null);
      const agency = await registerAgency(server);
      const sids = [];
      for (let i = 0; i < 5; i++) sids.push(await createSubaccount(server, agency.token, `S${i}`));
      for (let i = 0; i < 4; i++) await addUser(server, agency.token, 'viewer');
      const ws: Workspace = { server, token: agency.token, sid: sids[0] };
      for (let i = 0; i < 12; i++) await activate(ws, (await createFlow(ws, hookFlow, `F${i}`)).id);
      const flow = await createFlow(ws, hookFlow);
      await activate(ws, flow.id);
      for (let i = 0; i < 60; i++) expect((await server.request('GET', '/api/auth/me', { token: agency.token })).status).to.equal(200);
      const hook = await server.request('POST', new URL(flow.triggers[0].url!).pathname, { body: {} });
      expect(hook.status).to.equal(202);

      const billing = await server.request('GET', '/api/billing', { token: agency.token });
      expect(billing.status).to.equal(200);
      expect(billing.body).to.include({ enabled: false, plan: null, status: 'disabled', limits: null });
      expect(billing.body.usage).to.deep.equal({ executions: null, activeFlows: 13, subaccounts: 5, users: 5 });
      const checkout = await server.request('POST', '/api/billing/checkout', { token: agency.token, body: { plan: 'professional', interval: 'monthly' } });
      expect(checkout.status).to.equal(404);
      expect(checkout.body.error.code).to.equal('billing_disabled');
      expect((await server.request('POST', '/webhooks/stripe', { body: {} })).status).to.equal(404);
      expect(await server.app.models.UsageDay.count()).to.equal(0);
      expect(await server.app.models.BillingAccount.count()).to.equal(0);
    });
  });
}
