import { expect } from 'chai';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { FakeGhl } from '../fakes/ghl/server.js';
import { connectGhl } from '../helpers/ghl.js';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, getExecution, runAndWait, stepOf, waitForStatus, type Graph, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type Reply, type TestServer } from '../helpers/server.js';
import { addUser } from '../helpers/story.js';
import { until } from '../helpers/until.js';
import { Redis } from 'ioredis';
import { startTestWorker, type TestWorker } from '../helpers/queue.js';

/** Queue mode on a Redis database of this suite's own (flushed first). */
const LISTEN_REDIS_URL = (() => {
  const url = new URL(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');
  url.pathname = '/12';
  return url.toString();
})();

/**
 * The editor's debugging API (CONTRACT §5): pinned data on test runs, runs of one node, listening for a
 * test event on a webhook trigger of an inactive flow.
 */

/** manual → lookup (code that would call a service) → greet (uses lookup's output). */
const lookupFlow: Graph = {
  nodes: [
    { id: 'start', type: 'trigger.manual' },
    { id: 'lookup', type: 'code.javascript', config: { code: "throw new Error('the CRM is down')" } },
    { id: 'greet', type: 'logic.set', config: { value: { text: 'Hello {{ $json.name }}', id: '{{ $json.id }}', from: '{{ $trigger.source }}' } } },
  ],
  edges: [
    { source: 'start', target: 'lookup' },
    { source: 'lookup', target: 'greet' },
  ],
};

// GoHighLevel events are signed with a key pair of the test's own; the server gets the public half.
const ghlKeys = generateKeyPairSync('ed25519');

const hookFlow: Graph = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook' },
    { id: 'shape', type: 'logic.set', config: { value: { email: '{{ $json.body.email }}', method: '{{ $json.method }}' } } },
  ],
  edges: [{ source: 'hook', target: 'shape' }],
};

for (const kind of databaseKinds) {
  describe(`debugging: pinned data, test runs, node runs, listening (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let ws: Workspace;
    const flows = (p = '') => `/api/subaccounts/${ws.sid}/flows${p}`;
    const post = (path: string, body: unknown, token = ws.token) => server.request('POST', path, { token, body });

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    describe('pinned data', () => {
      it('a test run emits the pin instead of running the node; a production run ignores it', async () => {
        const flow = await createFlow(ws, lookupFlow, 'Pinned lookup', { pinData: { lookup: { id: 7, name: 'Ada' } } });

        const test = await post(flows(`/${flow.id}/run?wait=true`), { input: { source: 'form' }, mode: 'test' });
        expect(test.status).to.equal(200);
        expect(test.body).to.include({ status: 'succeeded', mode: 'test' });
        const pinned = stepOf(test.body, 'lookup') as ReturnType<typeof stepOf> & { pinned?: boolean };
        expect(pinned).to.include({ status: 'succeeded', pinned: true });
        expect(pinned.output).to.deep.equal({ id: 7, name: 'Ada' });
        expect(stepOf(test.body, 'greet').output).to.deep.equal({ text: 'Hello Ada', id: 7, from: 'form' });

        const production = await post(flows(`/${flow.id}/run?wait=true`), { input: {} });
        expect(production.body).to.include({ status: 'failed', mode: 'production' });
        expect(stepOf(production.body, 'lookup').error!.message).to.contain('the CRM is down');
        expect(stepOf(production.body, 'lookup')).to.not.have.property('pinned');

        const list = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${flow.id}`, { token: ws.token });
        expect(list.body.items.map((e: { mode: string }) => e.mode).sort()).to.deep.equal(['production', 'test']);
        expect((await getExecution(ws, test.body.id)) as unknown as { mode: string }).to.include({ mode: 'test' });
      });

      it('a retry of a test run is a test run too', async () => {
        const flow = await createFlow(ws, lookupFlow, 'Retried test', { pinData: { greet: { text: 'pinned' } } });
        const failed = await post(flows(`/${flow.id}/run?wait=true`), { input: {}, mode: 'test' });
        expect(failed.body).to.include({ status: 'failed', mode: 'test' });
        const retry = await post(`/api/subaccounts/${ws.sid}/executions/${failed.body.id}/retry`, {});
        expect(retry.status).to.equal(202);
        const again = (await waitForStatus(ws, retry.body.executionId, ['succeeded', 'failed'])) as unknown as { mode: string };
        expect(again.mode).to.equal('test');
      });

      it('a pinned node in a forEach branch emits its pin for every element', async () => {
        const flow = await createFlow(ws, {
          nodes: [
            { id: 'start', type: 'trigger.manual' },
            { id: 'each', type: 'logic.forEach', config: { items: '{{ $json.ids }}' } },
            { id: 'fetch', type: 'code.javascript', config: { code: "throw new Error('the CRM is down')" } },
            { id: 'label', type: 'logic.set', config: { value: { label: '{{ $json.name }}' } } },
          ],
          edges: [
            { source: 'start', target: 'each' },
            { source: 'each', sourcePort: 'item', target: 'fetch' },
            { source: 'fetch', target: 'label' },
          ],
        }, 'Pinned in a loop', { pinData: { fetch: { name: 'Ada' } } });
        const test = await post(flows(`/${flow.id}/run?wait=true`), { input: { ids: [1, 2] }, mode: 'test' });
        expect(test.body.status).to.equal('succeeded');
        expect(stepOf(test.body, 'each').output.results.map((r: { output: unknown }) => r.output)).to.deep.equal([{ label: 'Ada' }, { label: 'Ada' }]);
        const production = await post(flows(`/${flow.id}/run?wait=true`), { input: { ids: [1, 2] } });
        expect(production.body.status).to.equal('failed');
      });

      it('are saved with the flow, exported and imported; a save that removes the node drops its pin; null clears them', async () => {
        const flow = await createFlow(ws, lookupFlow, 'Kept pins', { pinData: { lookup: { id: 1 } } });
        const got = await server.request('GET', flows(`/${flow.id}`), { token: ws.token });
        expect(got.body.pinData).to.deep.equal({ lookup: { id: 1 } });

        const exported = await server.request('GET', flows(`/${flow.id}/export`), { token: ws.token });
        expect(exported.body.pinData).to.deep.equal({ lookup: { id: 1 } });
        const imported = await post(flows('/import'), exported.body);
        expect(imported.status).to.equal(201);
        expect(imported.body.pinData).to.deep.equal({ lookup: { id: 1 } });

        const pinsOnly = await server.request('PUT', flows(`/${flow.id}`), { token: ws.token, body: { pinData: { lookup: { id: 2 }, greet: 'x' } } });
        expect(pinsOnly.status).to.equal(200);
        expect(pinsOnly.body.version).to.equal(1, 'pins are test data: changing them makes no new version');
        expect(pinsOnly.body.pinData).to.deep.equal({ lookup: { id: 2 }, greet: 'x' });

        const withoutGreet = { nodes: lookupFlow.nodes.slice(0, 2), edges: lookupFlow.edges!.slice(0, 1) };
        const edited = await server.request('PUT', flows(`/${flow.id}`), { token: ws.token, body: { graph: withoutGreet } });
        expect(edited.body.pinData).to.deep.equal({ lookup: { id: 2 } });

        const cleared = await server.request('PUT', flows(`/${flow.id}`), { token: ws.token, body: { pinData: null } });
        expect(cleared.body.pinData).to.deep.equal({});
      });
    });

    describe('running one node', () => {
      const nodeRun = (flowId: string, nodeId: string, body: unknown = {}, token = ws.token) => post(flows(`/${flowId}/nodes/${nodeId}/run`), body, token);

      it('runs with the input sent, through the real step runner (expressions, $trigger of the last run)', async () => {
        const flow = await createFlow(ws, lookupFlow);
        const res = await nodeRun(flow.id, 'greet', { input: { name: 'Grace', id: 3 } });
        expect(res.status).to.equal(200);
        expect(res.body).to.include({ nodeId: 'greet', status: 'succeeded', attempt: 1, inputFrom: 'request' });
        expect(res.body.outputs).to.deep.equal({ main: { text: 'Hello Grace', id: 3 } });
        // Nothing is stored: the flow has no execution.
        const list = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${flow.id}`, { token: ws.token });
        expect(list.body.items).to.have.length(0);
      });

      it('without input, takes the node’s input in the last execution, else the pinned output before it', async () => {
        const flow = await createFlow(ws, {
          nodes: [
            { id: 'start', type: 'trigger.manual' },
            { id: 'double', type: 'logic.set', config: { value: { n: '{{ $json.n * 2 }}' } } },
          ],
          edges: [{ source: 'start', target: 'double' }],
        });
        const none = await nodeRun(flow.id, 'double');
        expect(none.body).to.include({ inputFrom: 'none' });

        await server.request('PUT', flows(`/${flow.id}`), { token: ws.token, body: { pinData: { start: { n: 4 } } } });
        const fromPin = await nodeRun(flow.id, 'double');
        expect(fromPin.body).to.include({ status: 'succeeded', inputFrom: 'pinData' });
        expect(fromPin.body.output).to.deep.equal({ n: 8 });

        await runAndWait(ws, flow.id, { n: 21 });
        const fromLast = await nodeRun(flow.id, 'double');
        expect(fromLast.body).to.include({ status: 'succeeded', inputFrom: 'lastExecution' });
        expect(fromLast.body.input).to.deep.equal({ n: 21 });
        expect(fromLast.body.output).to.deep.equal({ n: 42 });

        await server.request('PUT', flows(`/${flow.id}`), { token: ws.token, body: { pinData: null } });
        const trigger = await nodeRun(flow.id, 'start', { input: { n: 1 } });
        expect(trigger.body).to.include({ status: 'succeeded' });
        expect(trigger.body.outputs).to.deep.equal({ main: { n: 1 } }, 'a trigger emits its input');
      });

      it('answers a failing node’s error and logs; a pinned node answers its pin', async () => {
        const flow = await createFlow(ws, lookupFlow);
        const failed = await nodeRun(flow.id, 'lookup', { input: {} });
        expect(failed.status).to.equal(200);
        expect(failed.body.status).to.equal('failed');
        expect(failed.body.error.message).to.contain('the CRM is down');
        expect(failed.body.outputs).to.deep.equal({});

        await server.request('PUT', flows(`/${flow.id}`), { token: ws.token, body: { pinData: { lookup: { id: 9 } } } });
        const pinned = await nodeRun(flow.id, 'lookup', { input: {} });
        expect(pinned.body).to.include({ status: 'succeeded', pinned: true });
        expect(pinned.body.output).to.deep.equal({ id: 9 });
      });
    });

    describe('listening for a test event', () => {
      it('an inactive flow’s webhook URL accepts the next request while someone listens, and it starts a test execution', async () => {
        const flow = await createFlow(ws, hookFlow, 'Listened', { pinData: {} });
        const url = flow.triggers[0].url!;
        const target = new URL(url);
        const before = await server.request('POST', target.pathname, { body: { email: 'early@example.com' } });
        expect(before.status).to.equal(404, 'an inactive flow’s webhook answers 404 while nobody listens');

        const listened = post(flows(`/${flow.id}/listen`), { nodeId: 'hook', timeoutSeconds: 30 });
        // The listen is announced as soon as the request arrives; until then the URL still answers 404.
        let accepted: Reply | undefined;
        await until(async () => {
          const res = await server.request('POST', target.pathname, { body: { email: 'ada@example.com' } });
          if (res.status === 202) accepted = res;
          return res.status === 202;
        }, 10_000, 'the webhook to accept a request while someone listens');
        const heard = await listened;
        expect(heard.status).to.equal(200);
        expect(heard.body.sample).to.deep.include({ method: 'POST', body: { email: 'ada@example.com' } });
        expect(heard.body.executionId).to.equal(accepted!.body.executionId, 'the sender gets the test execution’s id, as a normal accepted webhook');

        const execution = await waitForStatus(ws, heard.body.executionId, ['succeeded', 'failed']);
        expect(execution as unknown as { mode: string; status: string }).to.include({ mode: 'test', status: 'succeeded' });
        expect(stepOf(execution, 'shape').output).to.deep.equal({ email: 'ada@example.com', method: 'POST' });

        const after = await server.request('POST', target.pathname, { body: { email: 'late@example.com' } });
        expect(after.status).to.equal(404, 'one request only: the URL closes again when the listen ends');
      });

      it('on an active flow the request runs its production execution once, and the listen answers it', async () => {
        const flow = await createFlow(ws, hookFlow, 'Active and listened');
        await activate(ws, flow.id);
        const target = new URL(flow.triggers[0].url!);
        let announced = false;
        const off = server.app.bus.onControl((m) => {
          if (m.type === 'listen' && m.target.flowId === flow.id) announced = true;
        });
        const listened = post(flows(`/${flow.id}/listen`), { nodeId: 'hook', timeoutSeconds: 30 });
        await until(() => announced, 10_000, 'the listen to be announced');
        off();
        const res = await server.request('POST', target.pathname, { body: { email: 'live@example.com' } });
        expect(res.status).to.equal(202);
        const heard = await listened;
        expect(heard.body.executionId).to.equal(res.body.executionId);
        expect(heard.body.sample).to.deep.include({ body: { email: 'live@example.com' } });
        const execution = await waitForStatus(ws, res.body.executionId, ['succeeded']);
        expect(execution as unknown as { mode: string }).to.include({ mode: 'production' });
        const list = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${flow.id}`, { token: ws.token });
        expect(list.body.items).to.have.length(1, 'nothing ran twice');
      });

      it('answers {sample: null} when nothing arrives in time', async () => {
        const flow = await createFlow(ws, hookFlow);
        const started = Date.now();
        const res = await post(flows(`/${flow.id}/listen`), { nodeId: 'hook', timeoutSeconds: 1 });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ sample: null, executionId: null });
        expect(Date.now() - started).to.be.at.least(900);
      });

      it('a caller that goes away stops listening', async () => {
        const flow = await createFlow(ws, hookFlow);
        const controller = new AbortController();
        const gone = fetch(`${server.url}${flows(`/${flow.id}/listen`)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ nodeId: 'hook', timeoutSeconds: 60 }),
          signal: controller.signal,
        }).catch(() => null);
        const target = new URL(flow.triggers[0].url!);
        // A method the webhook does not take answers 405 while the URL is open (listened), 404 when closed; it starts nothing.
        const probe = async () => (await server.request('OPTIONS', target.pathname)).status;
        await until(async () => (await probe()) === 405, 5000, 'the listen to open the URL');
        controller.abort();
        await gone;
        await until(async () => (await probe()) === 404, 5000, 'the URL to close once the caller left');
      });
    });

    describe('bad input', () => {
      it('unknown nodes, bad modes, pins of missing nodes and non-trigger listens are refused clearly', async () => {
        const flow = await createFlow(ws, {
          nodes: [...lookupFlow.nodes, { id: 'nightly', type: 'trigger.schedule', config: { cron: '0 3 * * *' } }],
          edges: lookupFlow.edges,
        });

        const mode = await post(flows(`/${flow.id}/run`), { mode: 'fast' });
        expect(mode.status).to.equal(400);
        expect(mode.body.error.details[0].path).to.equal('/mode');

        const ghost = await server.request('PUT', flows(`/${flow.id}`), { token: ws.token, body: { pinData: { ghost: 1, lookup: 2 } } });
        expect(ghost.status).to.equal(400);
        expect(ghost.body.error.message).to.contain('ghost');
        expect(ghost.body.error.details).to.deep.equal([{ path: '/pinData/ghost', message: 'pins data on "ghost", which is not a node of the graph' }]);
        const created = await post(flows(), { name: 'x', graph: lookupFlow, pinData: { nope: 1 } });
        expect(created.status).to.equal(400);
        expect((await post(flows(), { name: 'x', graph: lookupFlow, pinData: [1] })).status).to.equal(400);

        const unknown = await post(flows(`/${flow.id}/nodes/ghost/run`), {});
        expect(unknown.status).to.equal(404);
        expect(unknown.body.error.message).to.contain('no node "ghost"');
        expect((await post(flows(`/${flow.id}/nodes/greet/run`), { input: 1, extra: true })).status).to.equal(400);

        const notTrigger = await post(flows(`/${flow.id}/listen`), { nodeId: 'greet' });
        expect(notTrigger.status).to.equal(400);
        expect(notTrigger.body.error.message).to.contain('not a trigger');
        const schedule = await post(flows(`/${flow.id}/listen`), { nodeId: 'nightly' });
        expect(schedule.status).to.equal(400);
        expect(schedule.body.error.message).to.contain('schedule');
        const manual = await post(flows(`/${flow.id}/listen`), { nodeId: 'start' });
        expect(manual.status).to.equal(400);
        expect((await post(flows(`/${flow.id}/listen`), { nodeId: 'ghost' })).status).to.equal(404);
        expect((await post(flows(`/${flow.id}/listen`), {})).status).to.equal(400);
        expect((await post(flows(`/${flow.id}/listen`), { nodeId: 'hook', timeoutSeconds: 121 })).status).to.equal(400);
      });

      it('viewers may not run a node or listen; other agencies do not see the flow', async () => {
        const flow = await createFlow(ws, hookFlow);
        const viewer = await addUser(server, ws.token, 'viewer', [ws.sid]);
        expect((await post(flows(`/${flow.id}/nodes/shape/run`), { input: {} }, viewer)).status).to.equal(403);
        expect((await post(flows(`/${flow.id}/listen`), { nodeId: 'hook' }, viewer)).status).to.equal(403);
        expect((await post(flows(`/${flow.id}/run`), { mode: 'test' }, viewer)).status).to.equal(403);
        const other = await workspace(server, 'Other agency');
        expect((await post(`/api/subaccounts/${other.sid}/flows/${flow.id}/nodes/shape/run`, {}, other.token)).status).to.equal(404);
      });
    });
  });

  describe(`debugging: listening on a GoHighLevel trigger (${kind.name})`, function () {
    this.timeout(60_000);
    let fake: FakeGhl;
    let server: TestServer;
    let ws: Workspace;

    before(async () => {
      fake = await FakeGhl.start();
      server = await startServer(kind, { GHL_API_URL: fake.url, ALLOW_PRIVATE_NETWORK: 'true', GHL_WEBHOOK_PUBLIC_KEY: ghlKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
      ws = await workspace(server);
      await connectGhl(ws, { authType: 'token', token: 'pit-demo-token-1234', locationId: 'loc_demo_1' });
    });
    after(async () => {
      await server?.close();
      await fake?.close();
    });

    const deliver = async (event: Record<string, unknown>) => {
      const body = JSON.stringify({ timestamp: new Date().toISOString(), webhookId: randomUUID(), ...event });
      const headers = { 'content-type': 'application/json', 'x-ghl-signature': sign(null, Buffer.from(body), ghlKeys.privateKey).toString('base64') };
      return server.request('POST', '/webhooks/gohighlevel', { raw: body, headers });
    };

    it('an event the trigger of an inactive flow takes is the sample of a test execution; one it does not take is not', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 'tagged', type: 'trigger.ghl', config: { on: 'tagAdded', tag: 'vip' } },
          { id: 'note', type: 'logic.set', config: { value: { added: '{{ $json.change.tagsAdded }}' } } },
        ],
        edges: [{ source: 'tagged', target: 'note' }],
      });
      // The listen is announced on the runtime's bus as soon as the server has the request.
      let announced = false;
      const off = server.app.bus.onControl((m) => {
        if (m.type === 'listen' && m.target.flowId === flow.id) announced = true;
      });
      const listened = server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/listen`, { token: ws.token, body: { nodeId: 'tagged', timeoutSeconds: 30 } });
      await until(() => announced, 10_000, 'the listen to be announced');
      off();
      const contact = { locationId: 'loc_demo_1', id: 'contact_9', email: 'zoe@example.com' };
      // A tag other than vip: the trigger does not take it, so the listen goes on.
      expect((await deliver({ type: 'ContactTagUpdate', ...contact, tags: ['lead'] })).status).to.equal(200);
      await until(async () => (await server.app.models.GhlEvent.count({ where: { processedAt: null } })) === 0, 10_000, 'event processing');
      expect(await server.app.models.Execution.count({ where: { flowId: flow.id } })).to.equal(0);
      expect((await deliver({ type: 'ContactTagUpdate', ...contact, tags: ['lead', 'vip'] })).status).to.equal(200);
      const heard = await listened;
      expect(heard.status).to.equal(200);
      expect(heard.body.sample).to.deep.include({ type: 'ContactTagUpdate', locationId: 'loc_demo_1' });
      expect(heard.body.sample.change.tagsAdded).to.deep.equal(['vip']);
      const execution = await waitForStatus(ws, heard.body.executionId, ['succeeded', 'failed']);
      expect(execution as unknown as { mode: string; status: string }).to.include({ mode: 'test', status: 'succeeded' });
      expect(stepOf(execution, 'note').output).to.deep.equal({ added: ['vip'] });
    });
  });

  describe(`debugging: listening across processes in queue mode (${kind.name})`, function () {
    this.timeout(60_000);
    let first: TestServer;
    let second: TestServer;
    let worker: TestWorker;
    let ws: Workspace;

    before(async () => {
      const redis = new Redis(LISTEN_REDIS_URL);
      await redis.flushdb();
      redis.disconnect();
      const env = { EXECUTION_MODE: 'queue', REDIS_URL: LISTEN_REDIS_URL };
      first = await startServer(kind, env);
      second = await startServer(kind, env, first);
      worker = await startTestWorker(first);
      ws = await workspace(first);
    });
    after(async () => {
      await worker?.close();
      await second?.close();
      await first?.close();
    });

    it('a listen on one web process takes the request that lands on another; a worker runs the test execution with the pins', async () => {
      const flow = await createFlow(ws, hookFlow, 'Two processes', { pinData: { shape: { from: 'the pin' } } });
      const target = new URL(flow.triggers[0].url!);
      const listened = first.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/listen`, { token: ws.token, body: { nodeId: 'hook', timeoutSeconds: 30 } });
      // The other process learns of the listen over Redis: its URL then answers a method it does not take with 405, not 404.
      await until(async () => (await second.request('OPTIONS', target.pathname)).status === 405, 10_000, 'the other process to know of the listen');
      const res = await second.request('POST', target.pathname, { body: { email: 'far@example.com' } });
      expect(res.status).to.equal(202);
      const heard = await listened;
      expect(heard.body.executionId).to.equal(res.body.executionId);
      expect(heard.body.sample).to.deep.include({ body: { email: 'far@example.com' } });
      const execution = await waitForStatus(ws, heard.body.executionId, ['succeeded', 'failed']);
      expect(execution as unknown as { mode: string; status: string }).to.include({ mode: 'test', status: 'succeeded' });
      // The worker read the test execution's pins with it.
      expect(stepOf(execution, 'shape')).to.deep.include({ pinned: true, output: { from: 'the pin' } });
      expect((await second.request('POST', target.pathname, { body: {} })).status).to.equal(404);
    });
  });
}
