import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, getExecution, runAndWait, stepOf, waitForStatus, type Execution, type Workspace, workspace } from '../helpers/flows.js';
import { connectLive, timeline, type LiveClient } from '../helpers/live.js';
import { startQueueDeployment, type QueueDeployment } from '../helpers/queue.js';
import { delayedFlow, expectVipRun, startRun, vipFlow } from '../helpers/runs.js';
import type { TestServer } from '../helpers/server.js';

/** The VIP story: everything on the true branch succeeded once, the other branch was skipped. */
function expectVipSteps(execution: Execution, trigger = 'start'): void {
  expect(execution.status).to.equal('succeeded');
  const statuses = Object.fromEntries(execution.steps.map((s) => [s.nodeId, s.status]));
  expect(statuses).to.deep.equal({ [trigger]: 'succeeded', check: 'succeeded', greet: 'succeeded', done: 'succeeded', ignore: 'skipped' });
}

for (const kind of databaseKinds) {
  describe(`queue mode: web process, BullMQ workers and the Redis bridge (${kind.name})`, function () {
    this.timeout(60_000);
    let deployment: QueueDeployment;
    let server: TestServer;
    let ws: Workspace;
    let live: LiveClient;

    const run = (flowId: string, input: unknown = {}) => startRun(ws, flowId, input);

    /** An active "Greet VIPs" flow behind a webhook; returns its path. */
    async function vipHook(config: Record<string, unknown> = {}): Promise<{ flowId: string; path: string }> {
      const flow = await createFlow(ws, vipFlow({ id: 'hook', type: 'trigger.webhook', config }, '$json.body'), 'Greet VIP leads');
      await activate(ws, flow.id);
      return { flowId: flow.id, path: new URL(flow.triggers[0].url!).pathname };
    }

    before(async () => {
      // No worker yet: the first story starts one.
      deployment = await startQueueDeployment(kind, 0);
      server = deployment.server;
      ws = await workspace(server);
      live = await connectLive(server, ws.token);
    });
    after(async () => {
      live?.close();
      await deployment?.close();
    });

    it('the web process only enqueues: a run waits on the queue until a worker takes it', async () => {
      const flow = await createFlow(ws, vipFlow(), 'Greet VIPs');
      const executionId = await run(flow.id, { vip: true, name: 'Ada' });
      expect((await getExecution(ws, executionId)).status).to.equal('queued');
      expect(await deployment.queueDepth()).to.equal(1);
      expect((await server.request('GET', '/health')).body.checks).to.include({ database: 'ok', redis: 'ok', queue: 'ok' });

      await deployment.addWorker();
      expectVipSteps(await waitForStatus(ws, executionId, ['succeeded']));
      expect(await deployment.queueDepth()).to.equal(0);
    });

    it('answers a manual run with ?wait=true once a worker has run it', async () => {
      await deployment.ensureWorkers(1);
      const flow = await createFlow(ws, vipFlow(), 'Greet VIPs and wait');
      const execution = await runAndWait(ws, flow.id, { vip: true, name: 'Grace' });
      expectVipSteps(execution);
      expect(stepOf(execution, 'done').output).to.deep.equal({ greeted: 'Welcome back, Grace' });
    });

    it('answers a webhook 202 and a worker runs it; with respond onCompleted, the answer is the last output', async () => {
      await deployment.ensureWorkers(1);
      const plain = await vipHook();
      const accepted = await server.request('POST', plain.path, { body: { vip: true, name: 'Lin' } });
      expect(accepted.status).to.equal(202);
      expectVipSteps(await waitForStatus(ws, accepted.body.executionId, ['succeeded']), 'hook');

      const waiting = await vipHook({ respond: 'onCompleted' });
      const answered = await server.request('POST', waiting.path, { body: { vip: true, name: 'Mae' } });
      expect(answered.status).to.equal(200);
      expect(answered.body).to.deep.equal({ greeted: 'Welcome back, Mae' });
      const notVip = await server.request('POST', waiting.path, { body: { vip: false, name: 'Ned' } });
      expect(notVip.status).to.equal(200);
      expect(notVip.body).to.deep.equal({ welcome: null });
    });

    it('streams a worker’s events to a socket connected to the web process, in order', async () => {
      await deployment.ensureWorkers(1);
      const flow = await createFlow(ws, vipFlow(), 'Watched from the editor');
      expect(await live.subscribe({ flowId: flow.id })).to.deep.equal({ ok: true });
      const executionId = await run(flow.id, { vip: true, name: 'Ada' });
      expectVipRun(await live.finished(executionId), { executionId, flowId: flow.id });
    });

    it('with two workers, runs each of 30 webhook deliveries exactly once', async () => {
      await deployment.ensureWorkers(2);
      const hook = await vipHook();
      expect(await live.subscribe({ flowId: hook.flowId })).to.deep.equal({ ok: true });

      const deliveries = await Promise.all(Array.from({ length: 30 }, (_, n) => server.request('POST', hook.path, { body: { vip: true, name: `Lead ${n}` } })));
      expect(deliveries.map((d) => d.status), 'every delivery stored and answered').to.deep.equal(Array(30).fill(202));
      const executionIds: string[] = deliveries.map((d) => d.body.executionId);
      expect(new Set(executionIds).size).to.equal(30);

      for (const executionId of executionIds) {
        expectVipSteps(await waitForStatus(ws, executionId, ['succeeded']), 'hook');
        expectVipRun(await live.finished(executionId), { executionId, flowId: hook.flowId }, 'hook');
      }
      // One step row per node per execution, each at its first attempt: nothing ran twice.
      const rows = await server.app.models.Step.findAll({ where: { executionId: executionIds }, attributes: ['executionId', 'nodeId', 'attempt'] });
      expect(rows).to.have.length(30 * 5);
      expect(new Set(rows.map((row) => `${row.executionId}/${row.nodeId}`)).size).to.equal(30 * 5);
      expect(rows.every((row) => row.attempt <= 1)).to.equal(true);
    });

    it('cancels a waiting execution from the web process, and it never resumes', async () => {
      await deployment.ensureWorkers(1);
      const flow = await createFlow(ws, delayedFlow, 'Follow up in a minute');
      const executionId = await run(flow.id);
      await waitForStatus(ws, executionId, ['waiting']);
      expect(await live.subscribe({ executionId })).to.deep.equal({ ok: true });

      const cancel = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${executionId}/cancel`, { token: ws.token });
      expect(cancel.status).to.equal(200);
      expect(cancel.body.status).to.equal('cancelled');
      const events = await live.finished(executionId);
      expect(timeline(events).at(-1)).to.equal('execution.finished');
      expect(events.at(-1)!.status).to.equal('cancelled');

      // Hand it to the workers again, as a due timer or a recovery sweep would: none takes it up.
      for (const worker of deployment.workers) await worker.services.runtime.executor.run(executionId);
      await server.app.runtime.dispatch(executionId);
      await runAndWait(ws, (await createFlow(ws, vipFlow(), 'Queued behind it')).id, { vip: true });
      const after = await getExecution(ws, executionId);
      expect(after.status).to.equal('cancelled');
      expect(after.steps.map((s) => s.nodeId)).to.not.include('after');
      expect(live.of(executionId)).to.have.length(events.length);
    });
  });
}
