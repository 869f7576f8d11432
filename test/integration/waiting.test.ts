import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, getExecution, runAndWait, stepOf, waitForStatus, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser, createSubaccount, registerAgency } from '../helpers/story.js';

const approvalFlow = {
  nodes: [
    { id: 't', type: 'trigger.manual' },
    { id: 'ask', type: 'logic.approval', config: { title: 'Refund {{ $json.amount }} USD?', description: 'Customer {{ $json.customer }}' } },
    { id: 'pay', type: 'logic.set', config: { value: { refunded: '{{ $json.input.amount }}', note: '{{ $json.comment }}' } } },
    { id: 'deny', type: 'logic.set', config: { value: 'denied' } },
  ],
  edges: [
    { source: 't', target: 'ask' },
    { source: 'ask', sourcePort: 'approved', target: 'pay' },
    { source: 'ask', sourcePort: 'rejected', target: 'deny' },
  ],
};

for (const kind of databaseKinds) {
  describe(`delays, approvals and schedules (${kind.name})`, function () {
    this.timeout(30_000);
    let server: TestServer;
    let ws: Workspace;
    const approvals = (query = '') => server.request('GET', `/api/subaccounts/${ws.sid}/approvals${query}`, { token: ws.token });

    before(async () => {
      server = await startServer(kind, { EXECUTION_LEASE_SECONDS: '2' }, undefined);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    it('parks an execution in a delay without holding it, then goes on', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'pause', type: 'logic.delay', config: { amount: 1, unit: 'seconds' } },
          { id: 'after', type: 'logic.set', config: { value: '{{ $json.n }}' } },
        ],
        edges: [
          { source: 't', target: 'pause' },
          { source: 'pause', target: 'after' },
        ],
      });
      const run = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: { input: { n: 7 } } });
      const waiting = await waitForStatus(ws, run.body.executionId, ['waiting']);
      expect(stepOf(waiting, 'pause').status).to.equal('waiting');
      expect(server.app.runtime.executor.activeCount).to.equal(0, 'a waiting execution holds no slot');
      const done = await waitForStatus(ws, run.body.executionId, ['succeeded']);
      expect(stepOf(done, 'after').output).to.equal(7);
    });

    it('a delay until a past time continues at once', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'pause', type: 'logic.delay', config: { until: '2020-01-01T00:00:00Z' } },
        ],
        edges: [{ source: 't', target: 'pause' }],
      });
      expect((await runAndWait(ws, flow.id)).status).to.equal('succeeded');
    });

    it('waits for an approval, lists it, and goes on along the decided port', async () => {
      const flow = await createFlow(ws, approvalFlow);
      const run = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: { input: { amount: 40, customer: 'Ann' } } });
      await waitForStatus(ws, run.body.executionId, ['waiting']);
      const pending = (await approvals()).body.items.find((a: { executionId: string }) => a.executionId === run.body.executionId);
      expect(pending).to.include({ title: 'Refund 40 USD?', description: 'Customer Ann', status: 'pending', nodeId: 'ask' });

      const viewer = await addUser(server, ws.token, 'viewer', [ws.sid]);
      const refused = await server.request('POST', `/api/subaccounts/${ws.sid}/approvals/${pending.id}/decide`, { token: viewer, body: { decision: 'approved' } });
      expect(refused.status).to.equal(403);
      const bad = await server.request('POST', `/api/subaccounts/${ws.sid}/approvals/${pending.id}/decide`, { token: ws.token, body: { decision: 'maybe' } });
      expect(bad.status).to.equal(400);

      const decided = await server.request('POST', `/api/subaccounts/${ws.sid}/approvals/${pending.id}/decide`, { token: ws.token, body: { decision: 'approved', comment: 'ok by me' } });
      expect(decided.status).to.equal(200);
      expect(decided.body).to.include({ status: 'approved', comment: 'ok by me' });
      const again = await server.request('POST', `/api/subaccounts/${ws.sid}/approvals/${pending.id}/decide`, { token: ws.token, body: { decision: 'rejected' } });
      expect(again.status).to.equal(409);

      const done = await waitForStatus(ws, run.body.executionId, ['succeeded']);
      expect(stepOf(done, 'pay').output).to.deep.equal({ refunded: 40, note: 'ok by me' });
      expect(stepOf(done, 'deny').status).to.equal('skipped');
      expect((await approvals()).body.items.some((a: { id: string }) => a.id === pending.id)).to.equal(false);
      expect((await approvals('?status=approved')).body.items.some((a: { id: string }) => a.id === pending.id)).to.equal(true);
    });

    it('a rejection takes the rejected port; another agency cannot see or decide', async () => {
      const flow = await createFlow(ws, approvalFlow);
      const run = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: { input: { amount: 1 } } });
      await waitForStatus(ws, run.body.executionId, ['waiting']);
      const pending = (await approvals()).body.items.find((a: { executionId: string }) => a.executionId === run.body.executionId);
      const rival = await registerAgency(server, 'Rival');
      const rivalSid = await createSubaccount(server, rival.token);
      const stolen = await server.request('POST', `/api/subaccounts/${rivalSid}/approvals/${pending.id}/decide`, { token: rival.token, body: { decision: 'approved' } });
      expect(stolen.status).to.equal(404);
      await server.request('POST', `/api/subaccounts/${ws.sid}/approvals/${pending.id}/decide`, { token: ws.token, body: { decision: 'rejected' } });
      const done = await waitForStatus(ws, run.body.executionId, ['succeeded']);
      expect(stepOf(done, 'deny').output).to.equal('denied');
      expect(stepOf(done, 'pay').status).to.equal('skipped');
    });

    it('cancelling a waiting execution closes its approval', async () => {
      const flow = await createFlow(ws, approvalFlow);
      const run = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: { input: {} } });
      await waitForStatus(ws, run.body.executionId, ['waiting']);
      await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${run.body.executionId}/cancel`, { token: ws.token });
      expect((await getExecution(ws, run.body.executionId)).status).to.equal('cancelled');
      expect((await approvals()).body.items.some((a: { executionId: string }) => a.executionId === run.body.executionId)).to.equal(false);
    });

    it('shows the next runs of a schedule and fires it while active', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 'tick', type: 'trigger.schedule', config: { cron: '* * * * * *', timezone: 'Europe/Paris' } },
          { id: 'note', type: 'logic.set', config: { value: '{{ $json.scheduledFor }}' } },
        ],
        edges: [{ source: 'tick', target: 'note' }],
      });
      const shown = await activate(ws, flow.id);
      expect(shown.triggers[0].nextRuns).to.have.length(5);
      await new Promise((r) => setTimeout(r, 2500));
      await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/deactivate`, { token: ws.token });
      const list = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${flow.id}`, { token: ws.token });
      expect(list.body.items.length).to.be.greaterThanOrEqual(1);
      expect(list.body.items[0].trigger).to.deep.equal({ type: 'schedule', nodeId: 'tick' });
      await new Promise((r) => setTimeout(r, 1500));
      const later = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${flow.id}`, { token: ws.token });
      expect(later.body.items.length).to.be.lessThanOrEqual(list.body.items.length + 1, 'an inactive schedule stops firing');
    });

    it('fires each due time once with two processes, and a time missed during downtime once', async () => {
      const sibling = await startServer(kind, {}, server);
      try {
        const flow = await createFlow(ws, { nodes: [{ id: 'tick', type: 'trigger.schedule', config: { cron: '* * * * * *' } }] });
        await activate(ws, flow.id);
        await new Promise((r) => setTimeout(r, 3000));
        await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/deactivate`, { token: ws.token });
        const rows = await server.app.models.Execution.findAll({ where: { flowId: flow.id } });
        const times = rows.map((r) => (r.input as { scheduledFor: string }).scheduledFor);
        expect(times.length).to.be.greaterThanOrEqual(2);
        expect(new Set(times).size).to.equal(times.length, 'no due time fired twice');

        const hourly = await createFlow(ws, { nodes: [{ id: 'tick', type: 'trigger.schedule', config: { cron: '0 * * * *' } }] });
        await activate(ws, hourly.id);
        // Downtime: the due time passed five hours ago and nobody fired it, nor the four after it.
        await server.app.models.Trigger.update({ nextRunAt: new Date(Date.now() - 5 * 3600_000) }, { where: { flowId: hourly.id } });
        await new Promise((r) => setTimeout(r, 2500));
        expect(await server.app.models.Execution.count({ where: { flowId: hourly.id } })).to.equal(1);
        const trigger = await server.app.models.Trigger.findOne({ where: { flowId: hourly.id } });
        expect(trigger!.nextRunAt!.getTime()).to.be.greaterThan(Date.now());
      } finally {
        await sibling.close();
      }
    });

    it('refuses an invalid cron or time zone at save time', async () => {
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: { name: 'bad', graph: { nodes: [{ id: 'tick', type: 'trigger.schedule', config: { cron: 'every day at noon', timezone: 'Moon/Base' } }] } },
      });
      expect(res.status).to.equal(400);
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).to.include.members(['/graph/nodes/0/config/cron', '/graph/nodes/0/config/timezone']);
    });
  });
}
