import { expect } from 'chai';
import { fakeStripeForBilling, subscribeTo } from '../helpers/billing.js';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, type Graph, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency, type Agency } from '../helpers/story.js';
import type { FakeStripe } from '../fakes/stripe/server.js';
import { event, seconds, signed, subscription } from '../fakes/stripe/events.js';

const SECRET_KEY = 'sk_test_switchboard_retention';
const WEBHOOK_SECRET = 'whsec_test_switchboard_retention';
const BUSINESS = { id: 'business', price: 'price_business_monthly', webhookSecret: WEBHOOK_SECRET };
const STARTER_PRICE = 'price_starter_monthly';
const DAY_MS = 86_400_000;

const setFlow: Graph = {
  nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'note', type: 'logic.set', config: { value: { kept: true } } }],
  edges: [{ source: 't', target: 'note' }],
};

/**
 * Execution retention per plan, with billing's clock moved forward (the executions stay where they are in
 * time): Starter keeps 7 days, Business 90 (here 30: the server's EXECUTION_RETENTION_DAYS is the ceiling).
 */
for (const kind of databaseKinds) {
  describe(`execution retention per plan (${kind.name})`, function () {
    this.timeout(60_000);
    let stripe: FakeStripe;
    let server: TestServer;
    let advanced = 0;

    before(async () => {
      let env: Record<string, string>;
      ({ stripe, env } = await fakeStripeForBilling(SECRET_KEY, WEBHOOK_SECRET, { STRIPE_PRICE_BUSINESS_MONTHLY: BUSINESS.price, STRIPE_PRICE_STARTER_MONTHLY: STARTER_PRICE }));
      server = await startServer(kind, { ...env, EXECUTION_RETENTION_DAYS: '30' });
    });
    afterEach(() => {
      server.app.billing!.clock.advance(-advanced);
      advanced = 0;
    });
    after(async () => {
      await server?.close();
      await stripe?.close();
    });

    const later = (days: number) => {
      server.app.billing!.clock.advance(days * DAY_MS);
      advanced += days * DAY_MS;
    };
    const prune = () => server.app.billing!.retention.prune();
    const exists = async (id: string) => (await server.app.models.Execution.findByPk(id)) !== null;

    async function agencyWithRun(): Promise<{ agency: Agency; ws: Workspace; executionId: string }> {
      const agency = await registerAgency(server);
      const ws = { server, token: agency.token, sid: await createSubaccount(server, agency.token) };
      const execution = await runAndWait(ws, (await createFlow(ws, setFlow)).id);
      expect(execution.status).to.equal('succeeded');
      return { agency, ws, executionId: execution.id };
    }

    it('prunes a Starter agency’s executions after 7 days and keeps a Business agency’s of the same age', async () => {
      const starter = await agencyWithRun();
      const business = await agencyWithRun();
      await subscribeTo(server, stripe, business.agency, BUSINESS);

      later(6);
      await prune();
      expect(await exists(starter.executionId), 'six days old, on Starter').to.equal(true);
      later(4);
      expect(await prune()).to.be.at.least(1);
      expect(await exists(starter.executionId), 'ten days old, on Starter').to.equal(false);
      expect(await exists(business.executionId), 'ten days old, on Business').to.equal(true);
      const execution = await server.request('GET', `/api/subaccounts/${starter.ws.sid}/executions/${starter.executionId}`, { token: starter.agency.token });
      expect(execution.status).to.equal(404);
    });

    it('deletes nothing on a drop to Starter: executions stored before it keep the retention they were stored with', async () => {
      const { agency, executionId } = await agencyWithRun();
      const sub = await subscribeTo(server, stripe, agency, BUSINESS);
      await prune(); // the pass that sees Business's retention
      later(10);
      const down = event('customer.subscription.updated', subscription({ ...sub, price: STARTER_PRICE }), { created: seconds() + 5 });
      const { body, headers } = signed(down, WEBHOOK_SECRET);
      expect((await server.request('POST', '/webhooks/stripe', { raw: body, headers })).status).to.equal(200);
      expect((await server.request('GET', '/api/billing', { token: agency.token })).body.limits.executionRetentionDays).to.equal(7);

      await prune();
      expect(await exists(executionId), 'ten days old, stored under Business').to.equal(true);
      later(15);
      await prune();
      expect(await exists(executionId), 'twenty-five days old, stored under Business').to.equal(true);
      later(6);
      await prune();
      expect(await exists(executionId), 'past the 30 days it was stored with').to.equal(false);
    });
  });
}
