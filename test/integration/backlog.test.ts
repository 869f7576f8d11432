import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { Op } from 'sequelize';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, runAndWait, waitForStatus, type Graph, type Workspace, workspace } from '../helpers/flows.js';
import { startTestWorker, type TestWorker } from '../helpers/queue.js';
import { send, startServer, type Reply, type TestServer } from '../helpers/server.js';
import { json, startTarget, type Target } from '../helpers/target.js';
import { until } from '../helpers/until.js';
import { Redis } from 'ioredis';

/** This file's queue-mode story uses its own Redis database (other suites use 3, 9 and 10), flushed first. */
const BACKLOG_REDIS_URL = (() => {
  const url = new URL(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');
  url.pathname = '/11';
  return url.toString();
})();

const quickFlow: Graph = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook' },
    { id: 'reply', type: 'logic.set', config: { value: { got: '{{ $json.body.n }}' } } },
  ],
  edges: [{ source: 'hook', target: 'reply' }],
};

/** A webhook flow whose one step calls the target's /slow, which answers only when released. */
const slowFlow = (target: Target): Graph => ({
  nodes: [
    { id: 'hook', type: 'trigger.webhook' },
    { id: 'call', type: 'http.request', config: { url: `${target.url}/slow` } },
  ],
  edges: [{ source: 'hook', target: 'call' }],
});

/** Holds every request to /slow until `release`, then answers them and all later ones at once. */
function holdSlow(target: Target): { release(): void } {
  const held: ServerResponse[] = [];
  let open = false;
  target.route('/slow', (_req, res) => (open ? json(res, 200, { ok: true }) : held.push(res)));
  return {
    release() {
      open = true;
      for (const res of held.splice(0)) json(res, 200, { ok: true });
    },
  };
}

async function setUp(server: TestServer, graph: Graph): Promise<{ ws: Workspace; flowId: string; path: string }> {
  const ws = await workspace(server);
  const flow = await createFlow(ws, graph);
  await activate(ws, flow.id);
  return { ws, flowId: flow.id, path: new URL(flow.triggers[0].url!).pathname };
}

/** Posts one delivery at a time until one is refused; returns the accepted execution ids and the refusal. */
async function fillUntilRefused(server: TestServer, path: string, most = 20): Promise<{ accepted: string[]; refused: Reply }> {
  const accepted: string[] = [];
  for (let n = 0; n < most; n++) {
    const res = await server.request('POST', path, { body: { n } });
    if (res.status === 503) return { accepted, refused: res };
    expect(res.status, res.text).to.equal(202);
    accepted.push(res.body.executionId);
  }
  throw new Error(`no delivery was refused after ${most}`);
}

/** The refusal CONTRACT §2 and §7 describe: 503 in the error format, with Retry-After. */
function expectBacklogFull(res: Reply): void {
  expect(res.status).to.equal(503);
  expect(res.body.error.code).to.equal('backlog_full');
  expect(res.body.error.message).to.match(/MAX_BACKLOG/);
  expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
}

/** Rows a refused request must not have left: inbox entries and executions of the flow. */
async function storedFor(server: TestServer, flowId: string): Promise<{ inbox: number; executions: number }> {
  const { WebhookEvent, Execution } = server.app.models;
  return { inbox: await WebhookEvent.count({ where: { flowId } }), executions: await Execution.count({ where: { flowId } }) };
}

for (const kind of databaseKinds) {
  describe(`inline backlog in the database (${kind.name})`, function () {
    this.timeout(60_000);

    it('drains a flood far past INLINE_BACKLOG at once, without waiting for the sweeper', async () => {
      const server = await startServer(kind, { CONCURRENCY: '2', INLINE_BACKLOG: '5' });
      try {
        // No sweeper at all: whatever waits in the database must be pulled by the dispatcher itself.
        await server.app.runtime.stopSweeper();
        const { flowId, path } = await setUp(server, quickFlow);
        const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => server.request('POST', path, { body: { n } })));
        expect(answers.map((a) => a.status)).to.deep.equal(Array(200).fill(202));
        const { Execution } = server.app.models;
        // A functional bound, not a speed target: the sweeper alone would never finish them (it is stopped).
        await until(async () => (await Execution.count({ where: { flowId, status: 'succeeded' } })) === 200, 15_000, 'all 200 executions succeeded');
        expect(await Execution.count({ where: { flowId, status: { [Op.ne]: 'succeeded' } } })).to.equal(0);
      } finally {
        await server.close();
      }
    });

    it('past MAX_BACKLOG refuses webhooks, manual runs and retries with 503 and Retry-After, storing nothing, and accepts again once drained', async () => {
      const target = await startTarget();
      const server = await startServer(kind, { CONCURRENCY: '1', INLINE_BACKLOG: '2', MAX_BACKLOG: '4', ALLOW_PRIVATE_NETWORK: 'true' });
      try {
        const slow = holdSlow(target);
        const { ws, flowId, path } = await setUp(server, slowFlow(target));
        const failing = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'stop', type: 'logic.stop', config: { status: 'failed', message: 'no' } }], edges: [{ source: 't', target: 'stop' }] });
        const failed = await runAndWait(ws, failing.id);
        expect(failed.status).to.equal('failed');
        // One runs (held at the target), two wait in memory, the rest in the database until the bound.
        const { accepted, refused } = await fillUntilRefused(server, path);
        expect(accepted.length).to.be.at.least(4);
        expectBacklogFull(refused);

        const before = await storedFor(server, flowId);
        expectBacklogFull(await server.request('POST', path, { body: { n: 'refused' } }));
        const run = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/run`, { token: ws.token, body: { input: {} } });
        expectBacklogFull(run);
        expectBacklogFull(await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${failed.id}/retry`, { token: ws.token }));
        expect(await storedFor(server, flowId)).to.deep.equal(before);
        expect(accepted.length, 'nothing accepted is ever refused later').to.equal(before.executions);

        slow.release();
        for (const id of accepted) await waitForStatus(ws, id, ['succeeded'], 20_000);
        const again = await server.request('POST', path, { body: { n: 'after' } });
        expect(again.status, again.text).to.equal(202);
        await waitForStatus(ws, again.body.executionId, ['succeeded']);
        const retried = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${failed.id}/retry`, { token: ws.token });
        expect(retried.status, retried.text).to.equal(202);
      } finally {
        await server.close();
        await target.close();
      }
    });
  });
}

for (const kind of databaseKinds) {
  describe(`queue mode backlog bound (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let worker: TestWorker | undefined;

    before(async () => {
      const redis = new Redis(BACKLOG_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      await redis.flushdb();
      redis.disconnect();
      server = await startServer(kind, { EXECUTION_MODE: 'queue', REDIS_URL: BACKLOG_REDIS_URL, MAX_BACKLOG: '3' });
    });
    after(async () => {
      await worker?.close();
      await server?.close();
    });

    it('refuses webhooks with 503 while BullMQ holds MAX_BACKLOG waiting jobs, and accepts again once workers drain them', async () => {
      // No worker yet: accepted work waits on the queue.
      const { ws, flowId, path } = await setUp(server, quickFlow);
      const { accepted, refused } = await fillUntilRefused(server, path);
      expect(accepted.length).to.be.at.least(3);
      expectBacklogFull(refused);
      const before = await storedFor(server, flowId);
      expectBacklogFull(await send(server.url, 'POST', path, { body: { n: 'refused' } }));
      expect(await storedFor(server, flowId)).to.deep.equal(before);

      worker = await startTestWorker(server);
      for (const id of accepted) await waitForStatus(ws, id, ['succeeded']);
      // The web process reads the queue's depth at most once a second.
      let again: Reply | undefined;
      await until(async () => (again = await server.request('POST', path, { body: { n: 'after' } })).status === 202, 10_000, 'a webhook accepted again');
      await waitForStatus(ws, again!.body.executionId, ['succeeded']);
    });
  });
}
