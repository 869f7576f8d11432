import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, waitForStatus, type Workspace, workspace } from '../helpers/flows.js';
import { connectLive, refusedConnection, timeline, type LiveClient } from '../helpers/live.js';
import { delayedFlow, expectVipRun, expectWellFormedRun, failingFlow, startRun, vipFlow } from '../helpers/runs.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser, createSubaccount, registerAgency } from '../helpers/story.js';
import { until } from '../helpers/until.js';

for (const kind of databaseKinds) {
  describe(`live execution status over Socket.io (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    let ownerToken: string;
    let live: LiveClient;
    const clients: LiveClient[] = [];

    /** Opens a socket for the test; every one is closed after it. */
    async function connect(token: string): Promise<LiveClient> {
      const client = await connectLive(server, token);
      clients.push(client);
      return client;
    }

    const run = (flowId: string, input: unknown = {}) => startRun(ws, flowId, input);

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
      ownerToken = ws.token;
    });
    beforeEach(async () => {
      live = await connect(ws.token);
    });
    afterEach(() => {
      for (const client of clients.splice(0)) client.close();
    });
    after(async () => server?.close());

    it('refuses a connection without a token, with a bad token, and with a revoked one', async () => {
      expect(await refusedConnection(server, undefined)).to.match(/unauthorized/);
      expect(await refusedConnection(server, 'not-a-token')).to.match(/unauthorized/);
      const leaving = await registerAgency(server, 'Leaving Agency');
      expect((await server.request('POST', '/api/auth/logout', { token: leaving.token })).status).to.equal(204);
      expect(await refusedConnection(server, leaving.token)).to.match(/unauthorized/);
    });

    it('streams a run of a subscribed flow in order: started, each step, the skipped branch, finished', async () => {
      const flow = await createFlow(ws, vipFlow(), 'Greet VIPs');
      expect(await live.subscribe({ flowId: flow.id })).to.deep.equal({ ok: true });

      const executionId = await run(flow.id, { vip: true, name: 'Ada' });
      const events = await live.finished(executionId);

      expectVipRun(events, { executionId, flowId: flow.id });
      const greeted = events.find((e) => e.type === 'step.succeeded' && e.nodeId === 'greet')!;
      expect(greeted).to.include({ status: 'succeeded', attempt: 1 });
      expect(greeted.output).to.deep.equal({ welcome: 'Welcome back, Ada' });
      expect(events.some((e) => e.type === 'step.started'), 'pure nodes announce no start').to.equal(false);
      expect(await waitForStatus(ws, executionId, ['succeeded'])).to.include({ id: executionId });
    });

    it('keeps each execution’s messages in order when runs overlap', async () => {
      const flow = await createFlow(ws, vipFlow(), 'Greet VIPs in bulk');
      await live.subscribe({ flowId: flow.id });
      const executionIds = await Promise.all([1, 2, 3, 4, 5].map((n) => run(flow.id, { vip: true, name: `Lead ${n}` })));
      for (const executionId of executionIds) expectVipRun(await live.finished(executionId), { executionId, flowId: flow.id });
    });

    it('ends a failing execution with execution.finished failed, carrying the error', async () => {
      const flow = await createFlow(ws, failingFlow, 'Always fails');
      await live.subscribe({ flowId: flow.id });

      const executionId = await run(flow.id);
      const events = await live.finished(executionId);

      expectWellFormedRun(events, { executionId, flowId: flow.id });
      expect(timeline(events)).to.deep.equal(['execution.started', 'step.succeeded start', 'step.failed boom', 'execution.finished']);
      expect(events[2].error!.message).to.include('no such customer');
      const finished = events.at(-1)!;
      expect(finished.status).to.equal('failed');
      expect(finished.error!.message).to.include('"boom" failed').and.include('no such customer');
    });

    it('follows one execution by its id: a cancel arrives as execution.finished cancelled', async () => {
      const flow = await createFlow(ws, delayedFlow, 'Follow up in a minute');
      const executionId = await run(flow.id);
      await waitForStatus(ws, executionId, ['waiting']);
      expect(await live.subscribe({ executionId })).to.deep.equal({ ok: true });

      const cancel = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${executionId}/cancel`, { token: ws.token });
      expect(cancel.status).to.equal(200);

      const events = await live.finished(executionId);
      expect(timeline(events)).to.deep.equal(['execution.finished']);
      expect(events[0]).to.include({ executionId, flowId: flow.id, status: 'cancelled' });
    });

    it('takes an id however it is cased', async () => {
      const flow = await createFlow(ws, vipFlow(), 'Shouted id');
      expect(await live.subscribe({ flowId: flow.id.toUpperCase() })).to.deep.equal({ ok: true });
      const executionId = await run(flow.id, { vip: true });
      expectVipRun(await live.finished(executionId), { executionId, flowId: flow.id });
    });

    it('hangs up at logout, and refuses new subscriptions of a token revoked by any other way', async () => {
      const leaving = await registerAgency(server, 'Short stay');
      const theirs: Workspace = { server, token: leaving.token, sid: await createSubaccount(server, leaving.token) };
      const theirFlow = await createFlow(theirs, vipFlow(), 'Theirs');
      const socket = await connect(leaving.token);
      expect(await socket.subscribe({ flowId: theirFlow.id })).to.deep.equal({ ok: true });
      expect((await server.request('POST', '/api/auth/logout', { token: leaving.token })).status).to.equal(204);
      await until(() => !socket.socket.connected, 5_000, 'the server hanging up at logout');

      // A session ended with no announcement (here straight in the database) is caught at the next subscribe.
      const again = await server.request('POST', '/api/auth/login', { body: { email: leaving.email, password: leaving.password } });
      const quiet = await connect(again.body.token);
      await server.app.models.Session.update({ revokedAt: new Date() }, { where: { userId: leaving.userId } });
      const answer = await quiet.subscribe({ flowId: theirFlow.id });
      expect(answer.ok).to.equal(false);
      expect(answer.error).to.match(/unauthorized/);
      await until(() => !quiet.socket.connected, 5_000, 'the server hanging up');
    });

    it('stops sending after unsubscribe, even for a flow deleted meanwhile', async () => {
      const quiet = await createFlow(ws, vipFlow(), 'Unwatched');
      const watched = await createFlow(ws, vipFlow(), 'Watched');
      await live.subscribe({ flowId: quiet.id });
      expect(await live.subscribe({ flowId: watched.id })).to.deep.equal({ ok: true });
      expect(await live.socket.timeout(5_000).emitWithAck('unsubscribe', { flowId: quiet.id })).to.deep.equal({ ok: true });

      await runAndWait(ws, quiet.id, { vip: true });
      const last = await run(watched.id, { vip: true });
      await live.finished(last);
      expect(live.events.filter((e) => e.flowId === quiet.id)).to.deep.equal([]);

      expect((await server.request('DELETE', `/api/subaccounts/${ws.sid}/flows/${watched.id}`, { token: ws.token })).status).to.equal(204);
      expect(await live.socket.timeout(5_000).emitWithAck('unsubscribe', { flowId: watched.id })).to.deep.equal({ ok: true });
    });

    it('refuses other agencies’ ids, unknown ids and garbage, and delivers nothing for them', async () => {
      const rival = await registerAgency(server, 'Rival Agency');
      const theirs: Workspace = { server, token: rival.token, sid: await createSubaccount(server, rival.token, 'Rival client') };
      const theirFlow = await createFlow(theirs, vipFlow(), 'Their flow');
      const theirExecution = await runAndWait(theirs, theirFlow.id, { vip: true });

      const refusals = [
        { flowId: theirFlow.id },
        { executionId: theirExecution.id },
        { flowId: randomUUID() },
        { executionId: randomUUID() },
        { flowId: 'not-a-uuid' },
        { executionId: 42 },
        { flowId: { $ne: null } },
        {},
        [],
        'flow',
        7,
        null,
      ];
      for (const payload of refusals) {
        const answer = await live.subscribe(payload);
        expect(answer.ok, JSON.stringify(payload)).to.equal(false);
        expect(answer.error, JSON.stringify(payload)).to.be.a('string').and.not.be.empty;
      }
      // No ack callback at all must not hurt the server either.
      live.socket.emit('subscribe', { flowId: theirFlow.id });
      live.socket.emit('subscribe');

      // Their run finishes before ours starts: had theirs leaked, it would have arrived first.
      const ours = await createFlow(ws, vipFlow(), 'Our flow');
      expect(await live.subscribe({ flowId: ours.id })).to.deep.equal({ ok: true });
      await runAndWait(theirs, theirFlow.id, { vip: true });
      await live.finished(await run(ours.id, { vip: true }));
      expect(live.events.filter((e) => e.flowId === theirFlow.id)).to.deep.equal([]);
      expect(live.socket.connected).to.equal(true);
    });

    it('lets a builder follow only the sub-accounts they were given', async () => {
      const flow = await createFlow(ws, vipFlow(), 'Client A flow');
      const execution = await runAndWait(ws, flow.id, { vip: true });
      const outsider = await connect(await addUser(server, ownerToken, 'builder', []));
      expect(await outsider.subscribe({ flowId: flow.id })).to.deep.include({ ok: false });
      expect(await outsider.subscribe({ executionId: execution.id })).to.deep.include({ ok: false });

      const member = await connect(await addUser(server, ownerToken, 'builder', [ws.sid]));
      expect(await member.subscribe({ flowId: flow.id })).to.deep.equal({ ok: true });
      const executionId = await run(flow.id, { vip: true, name: 'Grace' });
      expectVipRun(await member.finished(executionId), { executionId, flowId: flow.id });
      expect(outsider.of(executionId)).to.deep.equal([]);
    });

    it('lets an API key follow its own sub-account only', async () => {
      const otherSid = await createSubaccount(server, ownerToken, 'Client B');
      const otherFlow = await createFlow({ ...ws, sid: otherSid }, vipFlow(), 'Client B flow');
      const ownFlow = await createFlow(ws, vipFlow(), 'Client A flow');
      const key = await server.request('POST', `/api/subaccounts/${ws.sid}/api-keys`, { token: ownerToken, body: { name: 'dashboard' } });
      expect(key.status).to.equal(201);

      const dashboard = await connect(key.body.key);
      expect(await dashboard.subscribe({ flowId: otherFlow.id })).to.deep.include({ ok: false });
      expect(await dashboard.subscribe({ flowId: ownFlow.id })).to.deep.equal({ ok: true });
      const executionId = await run(ownFlow.id, { vip: true });
      expectVipRun(await dashboard.finished(executionId), { executionId, flowId: ownFlow.id });
    });
  });
}
