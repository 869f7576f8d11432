import { expect } from 'chai';
import { agencyWithUsage, subscribeTo } from '../helpers/billing.js';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, stepOf, waitForStatus, type Graph } from '../helpers/flows.js';
import { startQueueDeployment, type QueueDeployment } from '../helpers/queue.js';
import { until } from '../helpers/until.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';

const SECRET_KEY = 'sk_test_switchboard_queue';
const WEBHOOK_SECRET = 'whsec_test_switchboard_queue';
const PROFESSIONAL = { id: 'professional', price: 'price_professional_monthly', webhookSecret: WEBHOOK_SECRET };

const hookFlow: Graph = {
  nodes: [{ id: 'hook', type: 'trigger.webhook', config: {} }, { id: 'reply', type: 'logic.set', config: { value: { got: '{{ $json.body }}' } } }],
  edges: [{ source: 'hook', target: 'reply' }],
};

/** Billing in queue mode: the web process admits and holds, worker processes run (and count what they start). */
for (const kind of databaseKinds) {
  describe(`plan limits in queue mode, with a worker process (${kind.name})`, function () {
    this.timeout(60_000);
    let stripe: FakeStripe;
    let deployment: QueueDeployment;

    before(async () => {
      stripe = await startFakeStripe();
      stripe.keys.set(SECRET_KEY, { livemode: false });
      stripe.prices.add(PROFESSIONAL.price);
      deployment = await startQueueDeployment(kind, 1, {
        STRIPE_SECRET_KEY: SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: stripe.url,
        STRIPE_PRICE_PROFESSIONAL_MONTHLY: PROFESSIONAL.price,
      });
    });
    after(async () => {
      await deployment?.close();
      await stripe?.close();
    });

    it('counts what workers start, holds a webhook past the limit (429, stored), and a worker runs it after the upgrade', async () => {
      const { server } = deployment;
      const { agency, ws } = await agencyWithUsage(server, 4997);
      const executionsUsed = async () => (await server.request('GET', '/api/billing', { token: agency.token })).body.usage.executions as number;
      const child = await createFlow(ws, {
        nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'reply', type: 'logic.set', config: { value: { from: '{{ $json.from }}' } } }],
        edges: [{ source: 't', target: 'reply' }],
      }, 'Child');
      const caller = await createFlow(ws, {
        nodes: [
          { id: 'hook', type: 'trigger.webhook', config: {} },
          { id: 'call', type: 'flow.call', config: { flowId: child.id, input: { from: 'caller' } } },
        ],
        edges: [{ source: 'hook', target: 'call' }],
      }, 'Caller');
      const plain = await createFlow(ws, hookFlow, 'Plain');
      for (const flow of [caller, plain]) await activate(ws, flow.id);
      const pathOf = (flow: typeof plain) => new URL(flow.triggers[0].url!).pathname;

      // The caller is counted where the webhook came in; its child where a worker started it.
      const called = await server.request('POST', pathOf(caller), { body: { n: 1 } });
      expect(called.status).to.equal(202);
      const ran = await waitForStatus(ws, called.body.executionId, ['succeeded', 'failed']);
      expect(ran.status).to.equal('succeeded', JSON.stringify(ran.error));
      expect(stepOf(ran, 'call').output).to.deep.equal({ from: 'caller' });
      await until(async () => (await executionsUsed()) === 4999, 15_000, 'the worker’s count of the child to reach the billing page');
      expect(server.app.runtime.executor.activeCount, 'the web process runs nothing').to.equal(0);

      const last = await server.request('POST', pathOf(plain), { body: { n: 2 } });
      expect(last.status).to.equal(202);
      const over = await server.request('POST', pathOf(plain), { body: { n: 3 } });
      expect(over.status).to.equal(429);
      expect(over.body.error.code).to.equal('plan_limit_reached');
      expect(over.headers.get('retry-after')).to.match(/^\d+$/);
      const heldId = over.body.error.details[0].executionId as string;
      expect(await server.app.models.WebhookEvent.findOne({ where: { executionId: heldId } }), 'the refused delivery is in the inbox').to.not.equal(null);
      await waitForStatus(ws, last.body.executionId, ['succeeded']);
      // Workers release held executions too, every 2 seconds: still nothing to release.
      await new Promise((r) => setTimeout(r, 2500));
      expect((await server.app.models.Execution.findByPk(heldId))!.status).to.equal('waiting');

      await subscribeTo(server, stripe, agency, PROFESSIONAL);
      const released = await waitForStatus(ws, heldId, ['succeeded', 'failed']);
      expect(released.status).to.equal('succeeded');
      expect(stepOf(released, 'reply').output).to.deep.equal({ got: { n: 3 } });
      await until(async () => (await executionsUsed()) === 5001, 15_000, 'the released execution to be counted once');
      expect((await server.request('GET', '/api/billing', { token: agency.token })).body.heldExecutions).to.equal(0);
    });
  });
}
