import { expect } from 'chai';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { agencyWithUsage, fakeStripeForBilling } from '../helpers/billing.js';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow } from '../helpers/flows.js';
import { connectGhl } from '../helpers/ghl.js';
import { startServer, type TestServer } from '../helpers/server.js';
import type { Agency } from '../helpers/story.js';
import { until } from '../helpers/until.js';
import type { FakeStripe } from '../fakes/stripe/server.js';
import { event, seconds, signed, subscription, subscriptionId } from '../fakes/stripe/events.js';

const SECRET_KEY = 'sk_test_switchboard_triggers';
const WEBHOOK_SECRET = 'whsec_test_switchboard_triggers';
const PRICE = 'price_professional_monthly';
const ed25519 = generateKeyPairSync('ed25519');

/** Schedules and GoHighLevel events past the monthly executions limit: stored held, started once the plan allows. */
for (const kind of databaseKinds) {
  describe(`plan limits on schedules and GoHighLevel events (${kind.name})`, function () {
    this.timeout(60_000);
    let stripe: FakeStripe;
    let server: TestServer;

    before(async () => {
      let env: Record<string, string>;
      ({ stripe, env } = await fakeStripeForBilling(SECRET_KEY, WEBHOOK_SECRET, { STRIPE_PRICE_PROFESSIONAL_MONTHLY: PRICE }));
      server = await startServer(kind, { ...env, GHL_WEBHOOK_PUBLIC_KEY: ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    });
    after(async () => {
      await server?.close();
      await stripe?.close();
    });

    /** An agency that used its whole starter month already, with a sub-account. */
    const spentAgency = () => agencyWithUsage(server, 5000);

    async function upgrade(agency: Agency): Promise<void> {
      const checkout = await server.request('POST', '/api/billing/checkout', { token: agency.token, body: { plan: 'professional', interval: 'monthly' } });
      expect(checkout.status, checkout.text).to.equal(200);
      const customer = [...stripe.customers.values()].find((c) => (c.metadata as Record<string, string>).agencyId === agency.agencyId)!;
      const sub = subscription({ id: subscriptionId(), customer: String(customer.id), status: 'active', price: PRICE, periodStart: seconds(), periodEnd: seconds() + 30 * 86_400, metadata: { agencyId: agency.agencyId } });
      const { body, headers } = signed(event('customer.subscription.created', sub), WEBHOOK_SECRET);
      expect((await server.request('POST', '/webhooks/stripe', { raw: body, headers })).status).to.equal(200);
    }

    const executionsOf = async (flowId: string) => server.app.models.Execution.findAll({ where: { flowId } });

    it('stores a due schedule run held past the limit and starts it after the upgrade', async () => {
      const { agency, ws } = await spentAgency();
      const flow = await createFlow(ws, {
        nodes: [{ id: 'tick', type: 'trigger.schedule', config: { cron: '0 0 1 1 *', timezone: 'UTC' } }, { id: 'note', type: 'logic.set', config: { value: { ran: true } } }],
        edges: [{ source: 'tick', target: 'note' }],
      });
      await activate(ws, flow.id);
      // Its time has come (the next New Year is far off; a due time is what matters here).
      await server.app.models.Trigger.update({ nextRunAt: new Date(Date.now() - 1000) }, { where: { flowId: flow.id } });
      await until(async () => (await executionsOf(flow.id)).length === 1, 15_000, 'the schedule to fire');
      const [held] = await executionsOf(flow.id);
      expect(held.status).to.equal('waiting');
      expect((await server.request('GET', '/api/billing', { token: agency.token })).body.heldExecutions).to.equal(1);
      await upgrade(agency);
      await until(async () => (await server.app.models.Execution.findByPk(held.id))!.status === 'succeeded', 15_000, 'the held schedule run to finish');
    });

    it('stores a GoHighLevel event past the limit, answers 429, and starts its flow after the upgrade', async () => {
      const { agency, ws } = await spentAgency();
      const locationId = `loc_${randomUUID().slice(0, 8)}`;
      await connectGhl(ws, { authType: 'token', token: 'pit-token-12345678', locationId }, 'GHL');
      const flow = await createFlow(ws, {
        nodes: [{ id: 'ghl', type: 'trigger.ghl', config: { events: ['ContactCreate'] } }, { id: 'note', type: 'logic.set', config: { value: { seen: '{{ $json.type }}' } } }],
        edges: [{ source: 'ghl', target: 'note' }],
      });
      await activate(ws, flow.id);
      const body = JSON.stringify({ type: 'ContactCreate', locationId, id: 'contact_1', email: 'ann@example.com', timestamp: new Date().toISOString(), webhookId: randomUUID() });
      const headers = { 'content-type': 'application/json', 'x-ghl-signature': sign(null, Buffer.from(body), ed25519.privateKey).toString('base64') };
      const first = await server.request('POST', '/webhooks/gohighlevel', { raw: body, headers });
      expect(first.status).to.equal(429);
      expect(first.body.error.code).to.equal('plan_limit_reached');
      expect(first.headers.get('retry-after')).to.match(/^\d+$/);
      // GoHighLevel sends it again: the event was stored the first time.
      const retry = await server.request('POST', '/webhooks/gohighlevel', { raw: body, headers });
      expect(retry.body).to.deep.equal({ ok: true, duplicate: true });
      await until(async () => (await executionsOf(flow.id)).length === 1, 15_000, 'the event to be processed');
      const [held] = await executionsOf(flow.id);
      expect(held.status).to.equal('waiting');
      await upgrade(agency);
      await until(async () => (await server.app.models.Execution.findByPk(held.id))!.status === 'succeeded', 15_000, 'the held event run to finish');
    });
  });
}
