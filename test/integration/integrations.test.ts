import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount } from '../helpers/story.js';

const sign = (secret: string, body: string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

for (const kind of databaseKinds) {
  describe(`webhook-secret integrations (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    const path = (p = '') => `/api/subaccounts/${ws.sid}/integrations${p}`;

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    async function connect(secret: string): Promise<string> {
      const res = await server.request('POST', path(), { token: ws.token, body: { template: 'webhook-secret', name: 'Stripe signing', config: { secret } } });
      expect(res.status).to.equal(201);
      return res.body.id;
    }

    it('lists the template with its schema', async () => {
      const res = await server.request('GET', '/api/integration-templates', { token: ws.token });
      const template = res.body.find((t: { id: string }) => t.id === 'webhook-secret');
      expect(template.configSchema.properties.secret.format).to.equal('password');
      expect(template.setupInstructions).to.be.a('string');
      const ghl = res.body.find((t: { id: string }) => t.id === 'gohighlevel');
      expect(ghl, 'no OAuth offered without the marketplace app (GHL_CLIENT_ID)').to.not.have.property('oauth');
    });

    it('stores the secret encrypted and never returns it', async () => {
      const secret = 'whsec_very_secret_value';
      const id = await connect(secret);
      const read = await server.request('GET', path(`/${id}`), { token: ws.token });
      expect(read.body).to.include({ template: 'webhook-secret', status: 'pending' });
      expect(read.body.config).to.deep.equal({ secret: '********' });
      const list = await server.request('GET', path(), { token: ws.token });
      expect(JSON.stringify(list.body)).to.not.include(secret);
      const row = await server.app.models.Integration.findByPk(id);
      expect(JSON.stringify(row!.toJSON())).to.not.include(secret);
      const test = await server.request('POST', path(`/${id}/test`), { token: ws.token });
      expect(test.body.ok).to.equal(true);
      expect((await server.request('GET', path(`/${id}`), { token: ws.token })).body.status).to.equal('active');
    });

    it('masks only the secrets that hold a value, so the config read back can be sent back unchanged', async () => {
      const created = await server.request('POST', path(), {
        token: ws.token,
        body: { template: 'http', name: 'CRM API', config: { baseUrl: 'https://crm.example.com', authType: 'bearer', token: 'tok_secret_1' } },
      });
      expect(created.status).to.equal(201);
      expect(created.body.config).to.deep.equal({ baseUrl: 'https://crm.example.com', authType: 'bearer', token: '********' }, 'no mask for the unset password or API key');
      const patched = await server.request('PATCH', path(`/${created.body.id}`), { token: ws.token, body: { config: created.body.config } });
      expect(patched.status, patched.text).to.equal(200);
      expect(patched.body.config.token).to.equal('********');
      const row = await server.app.models.Integration.findByPk(created.body.id);
      expect(JSON.stringify(row!.toJSON())).to.not.include('tok_secret_1');
    });

    it('refuses an unknown template and a config that breaks the schema, one detail each', async () => {
      const unknown = await server.request('POST', path(), { token: ws.token, body: { template: 'nope', name: 'x', config: {} } });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.details[0].path).to.equal('/template');
      const bad = await server.request('POST', path(), { token: ws.token, body: { template: 'webhook-secret', name: 'x', config: { secret: 'short', extra: 1 } } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['/config/secret', '/config/extra']);
    });

    it('verifies webhook signatures with the integration’s secret, and follows a changed secret', async () => {
      const id = await connect('first-secret-123');
      const flow = await createFlow(ws, {
        nodes: [{ id: 'hook', type: 'trigger.webhook', config: { signature: { integrationId: id, header: 'X-Signature', prefix: 'sha256=' } } }],
      });
      await activate(ws, flow.id);
      const hook = new URL(flow.triggers[0].url!).pathname;
      const body = JSON.stringify({ paid: true });
      const post = (secret: string) => server.request('POST', hook, { raw: body, headers: { 'content-type': 'application/json', 'x-signature': sign(secret, body) } });
      expect((await post('first-secret-123')).status).to.equal(202);
      expect((await post('wrong-secret-000')).status).to.equal(401);

      const kept = await server.request('PATCH', path(`/${id}`), { token: ws.token, body: { name: 'Renamed', config: { secret: '********' } } });
      expect(kept.status).to.equal(200);
      expect((await post('first-secret-123')).status).to.equal(202, 'a masked secret sent back keeps the stored one');
      await server.request('PATCH', path(`/${id}`), { token: ws.token, body: { config: { secret: 'second-secret-456' } } });
      expect((await post('first-secret-123')).status).to.equal(401);
      expect((await post('second-secret-456')).status).to.equal(202);

      expect((await server.request('DELETE', path(`/${id}`), { token: ws.token })).status).to.equal(204);
      expect((await post('second-secret-456')).status).to.equal(401, 'without its secret the check fails closed');
    });

    it('refuses a webhook that names an integration of another sub-account', async () => {
      const otherSid = await createSubaccount(server, ws.token, 'Other');
      const res = await server.request('POST', `/api/subaccounts/${otherSid}/integrations`, { token: ws.token, body: { template: 'webhook-secret', name: 'x', config: { secret: 'elsewhere-secret' } } });
      const flow = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: { name: 'f', graph: { nodes: [{ id: 'hook', type: 'trigger.webhook', config: { signature: { integrationId: res.body.id, header: 'X-Sig' } } }] } },
      });
      expect(flow.status).to.equal(400);
      expect(flow.body.error.details[0].path).to.equal('/graph/nodes/0/config/signature/integrationId');
    });
  });
}
