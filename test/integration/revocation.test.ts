import { expect } from 'chai';
import { Redis } from 'ioredis';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, type Workspace } from '../helpers/flows.js';
import { connectLive, refusedConnection, type LiveClient } from '../helpers/live.js';
import { startTestWorker, type TestWorker } from '../helpers/queue.js';
import { expectVipRun, startRun, vipFlow } from '../helpers/runs.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency, uniqueEmail, type Agency, type Client } from '../helpers/story.js';
import { until } from '../helpers/until.js';

/** Resolves with the reason once the server has hung up on the socket. */
function hangUp(client: LiveClient, timeoutMs = 5_000): Promise<string> {
  if (!client.socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not hang up within ${timeoutMs} ms`)), timeoutMs);
    client.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

async function signIn(server: Client, email: string, password: string): Promise<string> {
  const res = await server.request('POST', '/api/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body.token;
}

/** Adds a user to the agency and signs them in. */
async function member(server: Client, ownerToken: string, role: string, subaccountIds: string[]): Promise<{ id: string; token: string }> {
  const email = uniqueEmail(role);
  const password = 'another long password';
  const created = await server.request('POST', '/api/users', { token: ownerToken, body: { email, password, role, subaccountIds } });
  if (created.status !== 201) throw new Error(`create user failed: ${created.status} ${created.text}`);
  return { id: created.body.id, token: await signIn(server, email, password) };
}

async function apiKey(server: Client, token: string, sid: string, expiresAt?: string): Promise<{ id: string; key: string }> {
  const res = await server.request('POST', `/api/subaccounts/${sid}/api-keys`, { token, body: { name: 'dashboard', ...(expiresAt ? { expiresAt } : {}) } });
  if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${res.text}`);
  return res.body;
}

for (const kind of databaseKinds) {
  describe(`live sockets lose access with their credential (${kind.name})`, function () {
    this.timeout(30_000);
    let server: TestServer;
    let acme: Agency;
    let ws: Workspace;
    let flowId: string;
    const clients: LiveClient[] = [];

    async function watching(token: string, flow = flowId): Promise<LiveClient> {
      const client = await connectLive(server, token);
      clients.push(client);
      expect(await client.subscribe({ flowId: flow })).to.deep.equal({ ok: true });
      return client;
    }

    /** Runs the flow to its end (as the owner) and says whether the client saw any of it. */
    async function sawNextRun(client: LiveClient, workspace = ws, flow = flowId): Promise<boolean> {
      const execution = await runAndWait({ ...workspace, token: acme.token }, flow, { vip: true, name: 'After' });
      // Events of a finished run are relayed before its ?wait=true answer; allow for the socket's own hop.
      await new Promise((r) => setTimeout(r, 100));
      return client.of(execution.id).length > 0;
    }

    before(async () => {
      server = await startServer(kind);
      acme = await registerAgency(server, 'Acme');
      ws = { server, token: acme.token, sid: await createSubaccount(server, acme.token, 'Client A') };
      flowId = (await createFlow(ws, vipFlow(), 'Greet VIPs')).id;
    });
    afterEach(() => {
      for (const client of clients.splice(0)) client.close();
    });
    after(async () => server?.close());

    it('logout hangs up a subscribed socket at once, and it receives nothing more', async () => {
      const token = await signIn(server, acme.email, acme.password);
      const live = await watching(token);
      const first = await startRun(ws, flowId, { vip: true, name: 'Before' });
      expectVipRun(await live.finished(first), { executionId: first, flowId });

      const closed = hangUp(live);
      expect((await server.request('POST', '/api/auth/logout', { token })).status).to.equal(204);
      expect(await closed).to.equal('io server disconnect');
      expect(await sawNextRun(live)).to.equal(false);
    });

    it('revoking an API key hangs up the sockets that use it, and only those', async () => {
      const key = await apiKey(server, acme.token, ws.sid);
      const other = await apiKey(server, acme.token, ws.sid);
      const live = await watching(key.key);
      const bystander = await watching(other.key);

      const closed = hangUp(live);
      expect((await server.request('DELETE', `/api/subaccounts/${ws.sid}/api-keys/${key.id}`, { token: acme.token })).status).to.equal(204);
      await closed;
      expect(await sawNextRun(live)).to.equal(false);
      expect(bystander.socket.connected).to.equal(true);
    });

    it('removing a user hangs up their sockets and their API keys’ sockets', async () => {
      const leaver = await member(server, acme.token, 'builder', [ws.sid]);
      const key = await apiKey(server, leaver.token, ws.sid);
      const own = await watching(leaver.token);
      const viaKey = await watching(key.key);

      const closed = Promise.all([hangUp(own), hangUp(viaKey)]);
      expect((await server.request('DELETE', `/api/users/${leaver.id}`, { token: acme.token })).status).to.equal(204);
      await closed;
      expect(await sawNextRun(own)).to.equal(false);
      expect(viaKey.events.filter((e) => e.type === 'execution.started')).to.have.length(0);
    });

    it('taking a sub-account away hangs up the sockets watching it (theirs and their keys’), and keeps the others', async () => {
      const sidB = await createSubaccount(server, acme.token, 'Client B');
      const wsB: Workspace = { server, token: acme.token, sid: sidB };
      const flowB = (await createFlow(wsB, vipFlow(), 'Client B flow')).id;
      const builder = await member(server, acme.token, 'builder', [ws.sid, sidB]);
      const key = await apiKey(server, builder.token, ws.sid);
      const onA = await watching(builder.token);
      const keyOnA = await watching(key.key);
      const onB = await watching(builder.token, flowB);
      const idle = await connectLive(server, builder.token);
      clients.push(idle);

      const closed = Promise.all([hangUp(onA), hangUp(keyOnA)]);
      const moved = await server.request('PATCH', `/api/users/${builder.id}`, { token: acme.token, body: { subaccountIds: [sidB] } });
      expect(moved.status).to.equal(200);
      await closed;
      expect(await sawNextRun(onA)).to.equal(false);

      // Still in reach: the socket on B stays and sees B's next run; a demotion to viewer still reads.
      expect((await server.request('PATCH', `/api/users/${builder.id}`, { token: acme.token, body: { role: 'viewer' } })).status).to.equal(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(onB.socket.connected).to.equal(true);
      expect(idle.socket.connected).to.equal(true);
      expect(await sawNextRun(onB, wsB, flowB)).to.equal(true);
    });

    it('hangs up when an API key expires', async () => {
      const key = await apiKey(server, acme.token, ws.sid, new Date(Date.now() + 1_000).toISOString());
      const live = await watching(key.key);
      await hangUp(live, 5_000);
      expect(await refusedConnection(server, key.key)).to.match(/unauthorized/);
    });
  });
}

/** Queue mode: a revocation made through one web process reaches sockets held by another. */
const REVOCATION_REDIS_URL = (() => {
  const url = new URL(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');
  url.pathname = '/10';
  return url.toString();
})();

describe('live sockets lose access across processes (queue mode)', function () {
  this.timeout(60_000);
  let one: TestServer;
  let other: TestServer;
  let worker: TestWorker;
  let acme: Agency;
  let ws: Workspace;
  let flowId: string;
  const clients: LiveClient[] = [];

  before(async () => {
    const redis = new Redis(REVOCATION_REDIS_URL, { maxRetriesPerRequest: 1 });
    await redis.flushdb();
    redis.disconnect();
    const env = { EXECUTION_MODE: 'queue', REDIS_URL: REVOCATION_REDIS_URL };
    one = await startServer(databaseKinds[0], env);
    other = await startServer(databaseKinds[0], env, one);
    worker = await startTestWorker(one);
    acme = await registerAgency(one, 'Acme');
    ws = { server: one, token: acme.token, sid: await createSubaccount(one, acme.token) };
    flowId = (await createFlow(ws, vipFlow(), 'Greet VIPs')).id;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  after(async () => {
    await worker?.close();
    await other?.close();
    await one?.close();
  });

  async function watchingOnOther(token: string): Promise<LiveClient> {
    const client = await connectLive(other, token);
    clients.push(client);
    expect(await client.subscribe({ flowId })).to.deep.equal({ ok: true });
    return client;
  }

  it('logout through one process hangs up the socket held by the other; it receives nothing more', async () => {
    const token = await signIn(one, acme.email, acme.password);
    const live = await watchingOnOther(token);
    const first = await startRun(ws, flowId, { vip: true, name: 'Before' });
    expectVipRun(await live.finished(first), { executionId: first, flowId });

    const closed = hangUp(live);
    expect((await one.request('POST', '/api/auth/logout', { token })).status).to.equal(204);
    expect(await closed).to.equal('io server disconnect');
    const after = await runAndWait(ws, flowId, { vip: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(live.of(after.id)).to.deep.equal([]);
  });

  it('removing a user through one process hangs up their key’s socket on the other', async () => {
    const leaver = await member(one, acme.token, 'builder', [ws.sid]);
    const key = await apiKey(one, leaver.token, ws.sid);
    const live = await watchingOnOther(key.key);
    const closed = hangUp(live);
    expect((await one.request('DELETE', `/api/users/${leaver.id}`, { token: acme.token })).status).to.equal(204);
    await closed;
    await until(() => !live.socket.connected, 1_000, 'the socket closing');
  });
});
