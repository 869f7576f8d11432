import { expect } from 'chai';
import { agencyWithUsage, fakeStripeForBilling, subscribeTo } from '../helpers/billing.js';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, getExecution, stepOf, waitForStatus, type Graph, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import type { Agency } from '../helpers/story.js';
import { until } from '../helpers/until.js';
import type { FakeStripe } from '../fakes/stripe/server.js';

const SECRET_KEY = 'sk_test_switchboard_runs';
const WEBHOOK_SECRET = 'whsec_test_switchboard_runs';
const PROFESSIONAL = { id: 'professional', price: 'price_professional_monthly', webhookSecret: WEBHOOK_SECRET };

const setFlow: Graph = {
  nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'note', type: 'logic.set', config: { value: { n: '{{ $json.n }}' } } }],
  edges: [{ source: 't', target: 'note' }],
};
const failingFlow: Graph = {
  nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'stop', type: 'logic.stop', config: { status: 'failed', message: 'not today' } }],
  edges: [{ source: 't', target: 'stop' }],
};

/** Manual runs, retries and flow.call children count against the month's executions like webhooks (both databases). */
for (const kind of databaseKinds) {
  describe(`plan limits on manual runs, retries and sub-flows (${kind.name})`, function () {
    this.timeout(60_000);
    let stripe: FakeStripe;
    let server: TestServer;

    before(async () => {
      let env: Record<string, string>;
      ({ stripe, env } = await fakeStripeForBilling(SECRET_KEY, WEBHOOK_SECRET, { STRIPE_PRICE_PROFESSIONAL_MONTHLY: PROFESSIONAL.price }));
      server = await startServer(kind, env);
    });
    after(async () => {
      await server?.close();
      await stripe?.close();
    });

    const run = (ws: Workspace, flowId: string, input: unknown = {}) => server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/run`, { token: ws.token, body: { input } });
    const executionsUsed = async (agency: Agency) => (await server.request('GET', '/api/billing', { token: agency.token })).body.usage.executions as number;
    const stored = (ws: Workspace) => server.app.models.Execution.count({ where: { subaccountId: ws.sid } });

    it('counts manual runs and retries, and past the limit refuses both with 429 storing nothing, until an upgrade', async () => {
      const { agency, ws } = await agencyWithUsage(server, 4998);
      const failing = await createFlow(ws, failingFlow);
      const fine = await createFlow(ws, setFlow);
      const failed = await run(ws, failing.id);
      expect(failed.status).to.equal(202);
      expect((await waitForStatus(ws, failed.body.executionId, ['failed', 'succeeded'])).status).to.equal('failed');
      expect((await run(ws, fine.id, { n: 1 })).status).to.equal(202);
      expect(await executionsUsed(agency)).to.equal(5000);

      const refused = await run(ws, fine.id, { n: 2 });
      expect(refused.status).to.equal(429);
      expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
      expect(refused.body.error.code).to.equal('plan_limit_reached');
      expect(refused.body.error.message).to.match(/Starter plan allows 5000 executions this billing period, and 5000 are used\. Nothing was started or stored.*Upgrade to Professional/);
      expect(refused.body.error.details[0]).to.include({ limit: 'executionsPerMonth', used: 5000, upgradeTo: 'professional' });
      const retry = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${failed.body.executionId}/retry`, { token: ws.token });
      expect(retry.status).to.equal(429);
      expect(retry.body.error.message).to.match(/Nothing was started or stored: this retry/);
      expect(await stored(ws), 'a refused run or retry stores nothing').to.equal(2);
      expect(await executionsUsed(agency)).to.equal(5000);
      // A test run (CONTRACT §5) neither counts nor is refused.
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${fine.id}/run`, { token: ws.token, body: { input: { n: 4 }, mode: 'test' } });
      expect(test.status, test.text).to.equal(202);
      expect((await waitForStatus(ws, test.body.executionId, ['succeeded', 'failed'])).status).to.equal('succeeded');
      expect(await executionsUsed(agency)).to.equal(5000);

      await subscribeTo(server, stripe, agency, PROFESSIONAL);
      const again = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${failed.body.executionId}/retry`, { token: ws.token });
      expect(again.status).to.equal(202);
      expect((await run(ws, fine.id, { n: 3 })).status).to.equal(202);
      expect(await executionsUsed(agency)).to.equal(5002);
    });

    it('holds a flow.call child past the limit with its parent waiting, and finishes both after the upgrade', async () => {
      const { agency, ws } = await agencyWithUsage(server, 4999);
      const child = await createFlow(ws, setFlow, 'Child');
      const parent = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'flow.call', config: { flowId: child.id, input: { n: 7 } } },
          { id: 'use', type: 'logic.set', config: { value: '{{ $json.n + 1 }}' } },
        ],
        edges: [
          { source: 't', target: 'call' },
          { source: 'call', target: 'use' },
        ],
      }, 'Parent');
      // The parent is the month's 5,000th execution; its child would be the 5,001st.
      const started = await run(ws, parent.id);
      expect(started.status).to.equal(202);
      const parentId = started.body.executionId as string;
      await until(async () => (await server.app.models.Execution.count({ where: { parentExecutionId: parentId } })) === 1, 15_000, 'the child to be stored');
      const held = (await server.app.models.Execution.findOne({ where: { parentExecutionId: parentId } }))!;
      expect(held.status).to.equal('waiting');
      expect((await waitForStatus(ws, parentId, ['waiting', 'succeeded', 'failed'])).status).to.equal('waiting');
      const billing = (await server.request('GET', '/api/billing', { token: agency.token })).body;
      expect(billing.heldExecutions).to.equal(1);
      expect(billing.usage.executions).to.equal(5000);
      // Still held after a release pass: nothing starts it but room in the plan.
      await new Promise((r) => setTimeout(r, 2500));
      expect((await getExecution(ws, held.id)).status).to.equal('waiting');

      await subscribeTo(server, stripe, agency, PROFESSIONAL);
      const done = await waitForStatus(ws, parentId, ['succeeded', 'failed']);
      expect(done.status).to.equal('succeeded', JSON.stringify(done.error));
      expect(stepOf(done, 'use').output).to.equal(8);
      expect((await getExecution(ws, held.id)).status).to.equal('succeeded');
      expect(await executionsUsed(agency)).to.equal(5001);
    });

    it('starts an error flow past the limit (it reports a failure) and counts it', async () => {
      const { agency, ws } = await agencyWithUsage(server, 4999);
      const report = await createFlow(ws, setFlow, 'Report failures');
      const failing = await createFlow(ws, failingFlow, 'Fails', { errorFlowId: report.id });
      // The failing run is the month's 5,000th; the error flow it starts would be the 5,001st.
      const failed = await run(ws, failing.id);
      expect(failed.status).to.equal(202);
      await until(async () => (await server.app.models.Execution.count({ where: { flowId: report.id, status: 'succeeded' } })) === 1, 15_000, 'the error flow to run');
      expect(await executionsUsed(agency)).to.equal(5001);
      expect((await run(ws, failing.id)).status, 'a person’s run is still refused').to.equal(429);
    });
  });
}
