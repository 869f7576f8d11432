import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { FlowGraph } from '../../schemas/flow.js';
import { sealStoredNodeSecrets } from '../../server/integrations/node-secrets-store.js';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, waitForStatus, type Graph, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser } from '../helpers/story.js';

const MASK = '********';
const SECRET = 'inline-s1gning-secret-4f7a';
const SECRET_PATH = '/graph/nodes/0/config/signature/secret';
const sign = (secret: string, body: string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

const signedHook = (secret: string, greeting = 'hi'): Graph => ({
  nodes: [
    { id: 'hook', type: 'trigger.webhook', config: { signature: { secret, header: 'X-Signature', prefix: 'sha256=' } } },
    { id: 'reply', type: 'logic.set', config: { value: { greeting, got: '{{ $json.body }}' } } },
  ],
  edges: [{ source: 'hook', target: 'reply' }],
});

for (const kind of databaseKinds) {
  describe(`secrets written inline in node configs (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    /** Owner, viewer and API key: every kind of reader. */
    let readers: Record<string, string>;
    const path = (p = '') => `/api/subaccounts/${ws.sid}/flows${p}`;

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
      const key = await server.request('POST', `/api/subaccounts/${ws.sid}/api-keys`, { token: ws.token, body: { name: 'reader' } });
      expect(key.status).to.equal(201);
      readers = { owner: ws.token, viewer: await addUser(server, ws.token, 'viewer', [ws.sid]), apiKey: key.body.key };
    });
    after(async () => server?.close());

    /** Every answer that shows a graph, for every reader: the secret never, the mask where it was. */
    async function expectHiddenEverywhere(flowId: string, secret: string) {
      for (const [who, token] of Object.entries(readers)) {
        for (const p of [`/${flowId}`, '', `/${flowId}/versions`, `/${flowId}/export`]) {
          const res = await server.request('GET', path(p), { token });
          expect(res.status, `${who} GET ${p}`).to.equal(200);
          expect(res.text, `${who} GET ${p}`).to.not.include(secret);
        }
        const flow = await server.request('GET', path(`/${flowId}`), { token });
        expect(flow.body.graph.nodes[0].config.signature.secret, who).to.equal(MASK);
        const exported = await server.request('GET', path(`/${flowId}/export`), { token });
        expect(exported.body.graph.nodes[0].config.signature.secret, who).to.equal(MASK);
      }
    }

    /** Every stored row that holds the node's config: the secret is sealed, never in clear. */
    async function expectSealedAtRest(flowId: string, secret: string) {
      for (const table of ['flow_versions', 'flow_triggers']) {
        const rows = await server.app.sequelize.query(`SELECT * FROM ${table}`, { type: QueryTypes.SELECT });
        expect(JSON.stringify(rows), table).to.not.include(secret);
      }
      const versions = await server.app.models.FlowVersion.findAll({ where: { flowId } });
      for (const version of versions) {
        const stored = (version.graph.nodes[0].config as { signature: { secret: unknown } }).signature.secret;
        expect(stored).to.be.an('object').with.property('$sealed');
        expect(stored).to.not.equal(secret);
      }
    }

    async function hookOf(flowId: string) {
      const flow = await server.request('GET', path(`/${flowId}`), { token: ws.token });
      const url = new URL(flow.body.triggers[0].url);
      const body = JSON.stringify({ order: 7 });
      return (secret: string) => server.request('POST', url.pathname, { raw: body, headers: { 'content-type': 'application/json', 'x-signature': sign(secret, body) } });
    }

    it('seals the secret at rest and masks it for owners, viewers and API keys in flows, lists, versions and exports', async () => {
      const created = await server.request('POST', path(), { token: ws.token, body: { name: 'Signed', graph: signedHook(SECRET) } });
      expect(created.status).to.equal(201);
      expect(created.text).to.not.include(SECRET);
      expect(created.body.graph.nodes[0].config.signature).to.deep.equal({ secret: MASK, header: 'X-Signature', prefix: 'sha256=' });
      await expectHiddenEverywhere(created.body.id, SECRET);
      await expectSealedAtRest(created.body.id, SECRET);
    });

    it('verifies signatures with the sealed secret, and keeps it when a PUT sends the mask back', async () => {
      const flow = await createFlow(ws, signedHook(SECRET));
      await activate(ws, flow.id);
      const post = await hookOf(flow.id);
      const good = await post(SECRET);
      expect(good.status).to.equal(202);
      expect((await post('not-the-secret')).status).to.equal(401);
      // Neither the execution nor its steps echo the trigger's config.
      await waitForStatus(ws, good.body.executionId, ['succeeded']);
      const execution = await server.request('GET', `/api/subaccounts/${ws.sid}/executions/${good.body.executionId}`, { token: ws.token });
      expect(execution.text).to.not.include(SECRET);

      // The editor saves what it was shown: the mask, with another change, makes version 2 that keeps the secret.
      const shown = (await server.request('GET', path(`/${flow.id}`), { token: ws.token })).body.graph;
      shown.nodes[1].config.value.greeting = 'hello';
      const put = await server.request('PUT', path(`/${flow.id}`), { token: ws.token, body: { graph: shown } });
      expect(put.status).to.equal(200);
      expect(put.body.version).to.equal(2);
      expect(put.text).to.not.include(SECRET);
      expect(put.body.graph.nodes[0].config.signature.secret).to.equal(MASK);
      expect((await post(SECRET)).status).to.equal(202, 'the masked secret kept the stored one');
      expect((await post(MASK)).status).to.equal(401, 'the mask itself is not the secret');
      expect((await post('not-the-secret')).status).to.equal(401);

      // Saving the same graph again changes nothing: no new version for a re-sealed but equal secret.
      const again = await server.request('PUT', path(`/${flow.id}`), { token: ws.token, body: { graph: put.body.graph } });
      expect(again.body.version).to.equal(2);
      const sameInClear = await server.request('PUT', path(`/${flow.id}`), { token: ws.token, body: { graph: signedHook(SECRET, 'hello') } });
      expect(sameInClear.body.version).to.equal(2);

      // A new secret replaces it.
      const changed = await server.request('PUT', path(`/${flow.id}`), { token: ws.token, body: { graph: signedHook('a-new-secret-99', 'hello') } });
      expect(changed.body.version).to.equal(3);
      expect((await post(SECRET)).status).to.equal(401);
      expect((await post('a-new-secret-99')).status).to.equal(202);
      await expectHiddenEverywhere(flow.id, SECRET);
      await expectHiddenEverywhere(flow.id, 'a-new-secret-99');
      await expectSealedAtRest(flow.id, 'a-new-secret-99');
    });

    it('a manual run unseals the secret for the engine and does not echo it', async () => {
      const flow = await createFlow(ws, signedHook(SECRET));
      const run = await server.request('POST', path(`/${flow.id}/run?wait=true`), { token: ws.token, body: { input: { body: { x: 1 } } } });
      expect(run.status).to.equal(200);
      expect(run.body.status, run.text).to.equal('succeeded');
      expect(run.text).to.not.include(SECRET);
    });

    it('refuses an import or a create whose secret is masked, naming the field', async () => {
      const flow = await createFlow(ws, signedHook(SECRET));
      const exported = (await server.request('GET', path(`/${flow.id}/export`), { token: ws.token })).body;
      const imported = await server.request('POST', path('/import'), { token: ws.token, body: exported });
      expect(imported.status).to.equal(400);
      expect(imported.body.error.details).to.have.length(1);
      expect(imported.body.error.details[0].path).to.equal(SECRET_PATH);
      expect(imported.body.error.details[0].message).to.include('enter the secret again');
      expect((await server.request('POST', path(), { token: ws.token, body: { name: 'x', graph: signedHook(MASK) } })).status).to.equal(400);

      exported.graph.nodes[0].config.signature.secret = SECRET;
      const fixed = await server.request('POST', path('/import'), { token: ws.token, body: exported });
      expect(fixed.status).to.equal(201);
      expect(fixed.text).to.not.include(SECRET);
    });

    it('masks secrets that rows older than sealing hold in clear, and seals them at start', async () => {
      const flow = await createFlow(ws, signedHook(SECRET));
      const legacy = signedHook(SECRET);
      const graph = { ...legacy, edges: [{ ...legacy.edges![0], sourcePort: 'main' }] } as FlowGraph;
      await server.app.models.FlowVersion.update({ graph }, { where: { flowId: flow.id } });
      await activate(ws, flow.id);
      await server.app.models.Trigger.update({ config: legacy.nodes[0].config! }, { where: { flowId: flow.id } });
      expect(JSON.stringify(await server.app.sequelize.query('SELECT * FROM flow_triggers', { type: QueryTypes.SELECT }))).to.include(SECRET);
      await expectHiddenEverywhere(flow.id, SECRET);
      const post = await hookOf(flow.id);
      expect((await post(SECRET)).status).to.equal(202);

      const { models, registry, config } = server.app;
      expect(await sealStoredNodeSecrets(models, registry, config.encryptionKey)).to.be.at.least(2);
      expect(await sealStoredNodeSecrets(models, registry, config.encryptionKey)).to.equal(0, 'idempotent');
      await expectSealedAtRest(flow.id, SECRET);
      await server.request('POST', path(`/${flow.id}/activate`), { token: ws.token }); // drops the webhook cache
      expect((await post(SECRET)).status).to.equal(202);
      expect((await post('not-the-secret')).status).to.equal(401);
    });

    it('refuses a masked secret on a node that had none, and stores nothing', async () => {
      const flow = await createFlow(ws, { nodes: [{ id: 'hook', type: 'trigger.webhook' }] });
      const put = await server.request('PUT', path(`/${flow.id}`), { token: ws.token, body: { graph: signedHook(MASK) } });
      expect(put.status).to.equal(400);
      expect(put.body.error.details[0].path).to.equal(SECRET_PATH);
      expect((await server.request('GET', path(`/${flow.id}`), { token: ws.token })).body.version).to.equal(1);
    });
  });
}
