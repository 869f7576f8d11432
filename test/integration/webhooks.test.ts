import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, stepOf, waitForStatus, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';

const hookFlow = (config: Record<string, unknown> = {}) => ({
  nodes: [
    { id: 'hook', type: 'trigger.webhook', config },
    { id: 'reply', type: 'logic.set', config: { value: { got: '{{ $json.body }}', q: '{{ $json.query.tag }}', agent: "{{ $json.headers.'x-agent' }}" } } },
  ],
  edges: [{ source: 'hook', target: 'reply' }],
});

for (const kind of databaseKinds) {
  describe(`webhook trigger (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    async function hook(config: Record<string, unknown> = {}, active = true): Promise<string> {
      const flow = await createFlow(ws, hookFlow(config));
      if (active) await activate(ws, flow.id);
      const url = flow.triggers.find((t) => t.nodeId === 'hook')!.url!;
      expect(url).to.match(/\/webhooks\/[\w-]{20,}$/);
      return new URL(url).pathname;
    }

    it('stores the request and answers 202 with the execution, whose input has method, headers, query and body', async () => {
      const path = await hook();
      const res = await server.request('POST', `${path}?tag=vip`, { body: { email: 'lead@example.com' }, headers: { 'x-agent': 'form' } });
      expect(res.status).to.equal(202);
      const execution = await waitForStatus(ws, res.body.executionId, ['succeeded']);
      expect(stepOf(execution, 'hook').output).to.deep.include({ method: 'POST', body: { email: 'lead@example.com' } });
      expect(stepOf(execution, 'reply').output).to.deep.equal({ got: { email: 'lead@example.com' }, q: 'vip', agent: 'form' });
      const stored = await server.app.models.WebhookEvent.findOne({ where: { executionId: res.body.executionId } });
      expect(Buffer.from(String(stored!.request.raw), 'base64').toString()).to.equal('{"email":"lead@example.com"}');
    });

    it('accepts form and text bodies and GET requests', async () => {
      const path = await hook();
      const form = await server.request('POST', path, { raw: 'name=Ada&plan=pro', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(stepOf(await waitForStatus(ws, form.body.executionId, ['succeeded']), 'reply').output.got).to.deep.equal({ name: 'Ada', plan: 'pro' });
      const text = await server.request('PUT', path, { raw: 'hello there', headers: { 'content-type': 'text/plain' } });
      expect(stepOf(await waitForStatus(ws, text.body.executionId, ['succeeded']), 'reply').output.got).to.equal('hello there');
      const get = await server.request('GET', `${path}?tag=x`);
      expect(get.status).to.equal(202);
    });

    it('answers 404 for an unknown token and for an inactive flow, starting nothing', async () => {
      expect((await server.request('POST', '/webhooks/not-a-real-token', { body: {} })).status).to.equal(404);
      const path = await hook({}, false);
      const before = await server.app.models.Execution.count();
      const res = await server.request('POST', path, { body: {} });
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
      expect(await server.app.models.Execution.count()).to.equal(before);
    });

    it('answers 413 for a body over 1 MiB and 400 for malformed JSON', async () => {
      const path = await hook();
      const big = await server.request('POST', path, { raw: JSON.stringify({ x: 'y'.repeat(1024 * 1024 + 10) }), headers: { 'content-type': 'application/json' } });
      expect(big.status).to.equal(413);
      const broken = await server.request('POST', path, { raw: '{"a":', headers: { 'content-type': 'application/json' } });
      expect(broken.status).to.equal(400);
      expect(broken.body.error.code).to.equal('invalid_json');
    });

    it('refuses methods the node does not accept with 405', async () => {
      const path = await hook({ methods: ['POST'] });
      const res = await server.request('DELETE', path);
      expect(res.status).to.equal(405);
      expect(res.headers.get('allow')).to.equal('POST');
    });

    it('checks an HMAC-SHA256 signature: a bad or missing one gets 401 and starts nothing', async () => {
      const path = await hook({ signature: { secret: 's3cret', header: 'X-Signature', prefix: 'sha256=' } });
      const body = JSON.stringify({ order: 7 });
      const good = 'sha256=' + createHmac('sha256', 's3cret').update(body).digest('hex');
      const before = await server.app.models.Execution.count();
      for (const signature of [undefined, 'sha256=deadbeef', good.replace('sha256=', 'md5='), 'sha256=' + 'z'.repeat(64)]) {
        const res = await server.request('POST', path, { raw: body, headers: { 'content-type': 'application/json', ...(signature ? { 'x-signature': signature } : {}) } });
        expect(res.status, String(signature)).to.equal(401);
      }
      expect(await server.app.models.Execution.count()).to.equal(before);
      const ok = await server.request('POST', path, { raw: body, headers: { 'content-type': 'application/json', 'x-signature': good } });
      expect(ok.status).to.equal(202);
    });

    it('refuses a signature check without a secret at save time', async () => {
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: { name: 'unsigned', graph: hookFlow({ signature: { header: 'X-Signature' } }) },
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include('/graph/nodes/0/config/signature/secret');
    });

    it('answers a repeated Idempotency-Key with the first answer and starts nothing', async () => {
      const path = await hook();
      const first = await server.request('POST', path, { body: { n: 1 }, headers: { 'idempotency-key': 'evt-1' } });
      const again = await server.request('POST', path, { body: { n: 2 }, headers: { 'idempotency-key': 'evt-1' } });
      expect(again.status).to.equal(first.status);
      expect(again.body).to.deep.equal(first.body);
      const raced = await Promise.all([1, 2, 3].map((n) => server.request('POST', path, { body: { n }, headers: { 'idempotency-key': 'evt-2' } })));
      expect(new Set(raced.map((r) => r.body.executionId)).size).to.equal(1);
      const flowId = (await server.app.models.Execution.findByPk(first.body.executionId))!.flowId;
      expect(await server.app.models.Execution.count({ where: { flowId } })).to.equal(2);
    });

    it('dedupes by a configured body path', async () => {
      const path = await hook({ idempotency: { bodyPath: 'meta.webhookId' } });
      const a = await server.request('POST', path, { body: { meta: { webhookId: 'w-9' }, n: 1 } });
      const b = await server.request('POST', path, { body: { meta: { webhookId: 'w-9' }, n: 2 } });
      expect(b.body.executionId).to.equal(a.body.executionId);
      const c = await server.request('POST', path, { body: { meta: { webhookId: 'w-10' } } });
      expect(c.body.executionId).to.not.equal(a.body.executionId);
    });

    it('with respond onCompleted answers the last node’s output, or 500 with the failure', async () => {
      const path = await hook({ respond: 'onCompleted' });
      const res = await server.request('POST', `${path}?tag=t`, { body: { hi: 1 }, headers: { 'x-agent': 'a' } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ got: { hi: 1 }, q: 't', agent: 'a' });

      const failing = await createFlow(ws, {
        nodes: [
          { id: 'hook', type: 'trigger.webhook', config: { respond: 'onCompleted' } },
          { id: 'boom', type: 'logic.set', config: { value: '{{ $error("no such customer") }}' } },
        ],
        edges: [{ source: 'hook', target: 'boom' }],
      });
      await activate(ws, failing.id);
      const failed = await server.request('POST', new URL(failing.triggers[0].url!).pathname, { body: {} });
      expect(failed.status).to.equal(500);
      expect(failed.body.error.message).to.include('no such customer');
    });

    it('masks the webhook token in logs', async () => {
      const path = await hook();
      await server.request('POST', path, { body: {} });
      await new Promise((r) => setTimeout(r, 20));
      expect(server.logs.join('')).to.not.include(path.split('/').pop()!);
    });
  });
}

for (const kind of databaseKinds) {
  describe(`a flood past the in-memory backlog (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let ws: Workspace;

    before(async () => {
      // One execution at a time and room for two more in memory: the rest must wait in the database.
      server = await startServer(kind, { CONCURRENCY: '1', INLINE_BACKLOG: '2', ALLOW_PRIVATE_NETWORK: 'true' });
      ws = await workspace(server);
    });
    after(async () => server?.close());

    it('answers every request at once and runs every execution, none lost', async () => {
      const flow = await createFlow(ws, hookFlow());
      await activate(ws, flow.id);
      const path = new URL(flow.triggers[0].url!).pathname;
      const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => server.request('POST', path, { body: { n } })));
      expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(202));
      for (const [n, answer] of answers.entries()) {
        const done = await waitForStatus(ws, answer.body.executionId, ['succeeded'], 30_000);
        expect(stepOf(done, 'reply').output.got).to.deep.equal({ n });
      }
    });
  });
}
