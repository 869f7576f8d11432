import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, stepOf, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser, createSubaccount, registerAgency, type Agency } from '../helpers/story.js';
import { startFakeHttp, type FakeHttpServer } from '../fakes/fake-http.js';

/** A CRM an agency describes itself: an API key in a header, under a base URL held in a field. */
const acmeCrm = (testUrl: string | null = '/whoami') => ({
  name: 'acme-crm',
  displayName: 'Acme CRM',
  category: 'CRM',
  description: 'Our in-house CRM.',
  setupInstructions: 'Ask IT for a key.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['apiUrl', 'apiKey'],
    properties: {
      apiUrl: { type: 'string', format: 'uri' },
      apiKey: { type: 'string', 'x-secret': true, minLength: 8 },
      region: { type: 'string', enum: ['eu', 'us'] },
    },
  },
  auth: { type: 'header', headerName: 'X-Acme-Key', valueField: 'apiKey' },
  baseUrlField: 'apiUrl',
  testUrl,
});

for (const kind of databaseKinds) {
  describe(`custom integration templates and http.request with integrations (${kind.name})`, function () {
    let server: TestServer;
    let acme: Agency;
    let rival: Agency;
    let crm: FakeHttpServer;
    let ws: Workspace;

    before(async () => {
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
      acme = await registerAgency(server, 'Acme');
      rival = await registerAgency(server, 'Rival');
      ws = { server, token: acme.token, sid: await createSubaccount(server, acme.token) };
      crm = await startFakeHttp(() => ({ status: 404, body: { error: 'no such path' } }));
      const keyed = (answer: unknown) => (request: { headers: Record<string, unknown> }) =>
        request.headers['x-acme-key'] === 'acme-key-12345' ? { status: 200, body: answer } : { status: 401, body: { error: 'bad key' } };
      crm.route('GET', '/api/whoami', keyed({ user: 'integration' }));
      crm.route('GET', '/api/contacts', keyed([{ id: 1 }]));
    });
    after(async () => {
      await crm?.close();
      await server?.close();
    });

    const templates = (token: string) => server.request('GET', '/api/integration-templates', { token });
    const createTemplate = async (body: Record<string, unknown>, token = acme.token) => server.request('POST', '/api/integration-templates', { token, body });
    const connect = (templateId: string, config: Record<string, unknown>, sid = ws.sid) =>
      server.request('POST', `/api/subaccounts/${sid}/integrations`, { token: acme.token, body: { template: templateId, name: 'CRM', config } });

    describe('templates', () => {
      let templateId: string;

      before(async () => {
        const created = await createTemplate(acmeCrm());
        expect(created.status, created.text).to.equal(201);
        templateId = created.body.id;
      });

      it('are listed with custom: true to their own agency only', async () => {
        const own = (await templates(acme.token)).body.find((t: { id: string }) => t.id === templateId);
        expect(own).to.include({ name: 'acme-crm', displayName: 'Acme CRM', custom: true, icon: 'plug' });
        expect(own.configSchema.properties.apiKey['x-secret']).to.equal(true);
        expect(own).to.deep.include({ auth: acmeCrm().auth, baseUrlField: 'apiUrl', testUrl: '/whoami' });
        expect((await templates(rival.token)).body.map((t: { id: string }) => t.id)).to.not.include(templateId);
        expect((await templates(rival.token)).body.find((t: { id: string }) => t.id === 'stripe')).to.not.have.property('custom');
      });

      it('are 404 to another agency, whatever it sends, and 403 to a viewer and a builder', async () => {
        for (const method of ['PATCH', 'DELETE']) {
          const res = await server.request(method, `/api/integration-templates/${templateId}`, { token: rival.token, body: { displayName: 'Mine now' } });
          expect(res.status, method).to.equal(404);
        }
        const builder = await addUser(server, acme.token, 'builder', [ws.sid]);
        const viewer = await addUser(server, acme.token, 'viewer', [ws.sid]);
        for (const token of [viewer, builder]) {
          expect((await createTemplate({ ...acmeCrm(), name: 'by-someone' }, token)).status).to.equal(403);
          expect((await server.request('PATCH', `/api/integration-templates/${templateId}`, { token, body: { displayName: 'x' } })).status).to.equal(403);
          expect((await server.request('DELETE', `/api/integration-templates/${templateId}`, { token })).status).to.equal(403);
        }
        const rivalIntegration = await server.request('POST', `/api/subaccounts/${await createSubaccount(server, rival.token)}/integrations`, {
          token: rival.token,
          body: { template: templateId, name: 'x', config: { apiUrl: crm.url, apiKey: 'acme-key-12345' } },
        });
        expect(rivalIntegration.status).to.equal(400);
        expect(rivalIntegration.body.error.details[0].path).to.equal('/template');
      });

      it('admins create them too; built-in templates cannot be changed or deleted (403)', async () => {
        const admin = await addUser(server, acme.token, 'admin');
        expect((await createTemplate({ ...acmeCrm(), name: 'admin-made' }, admin)).status).to.equal(201);
        for (const method of ['PATCH', 'DELETE']) {
          const res = await server.request(method, '/api/integration-templates/stripe', { token: acme.token, body: { displayName: 'Not Stripe' } });
          expect(res.status, method).to.equal(403);
          expect(res.body.error.message).to.include('built-in');
        }
        expect((await server.request('PATCH', '/api/integration-templates/no-such-thing', { token: acme.token, body: { displayName: 'x' } })).status).to.equal(404);
      });

      it('refuses a built-in name (400) and a name the agency already has (409)', async () => {
        const builtIn = await createTemplate({ ...acmeCrm(), name: 'stripe' });
        expect(builtIn.status).to.equal(400);
        expect(builtIn.body.error.details[0].path).to.equal('/name');
        const again = await createTemplate(acmeCrm());
        expect(again.status).to.equal(409);
        expect(again.body.error.code).to.equal('template_exists');
        expect((await createTemplate(acmeCrm(), rival.token)).status, 'another agency may use the same name').to.equal(201);
      });

      it('validates the schema as a JSON Schema, one detail per problem', async () => {
        const res = await createTemplate({
          ...acmeCrm(),
          name: 'broken',
          configSchema: {
            type: 'array',
            properties: { apiUrl: { type: 'text' }, 'bad name': { type: 'string' }, token: { type: 'string', pattern: '^(a+)+$' } },
            required: 'apiUrl',
          },
          auth: { type: 'bearer', tokenField: 'token' },
          baseUrlField: 'missing',
          testUrl: 'whoami',
        });
        expect(res.status).to.equal(400);
        const details = res.body.error.details.map((d: { path: string }) => d.path);
        expect(details).to.include.members([
          '/configSchema/properties/apiUrl/type',
          '/configSchema/required',
          '/configSchema/type',
          '/configSchema/properties/bad name',
          '/configSchema/properties/token/pattern',
          '/auth/tokenField',
          '/baseUrlField',
          '/testUrl',
        ]);
        expect(new Set(details).size, 'one detail per problem').to.equal(details.length);
        expect(res.body.error.details.find((d: { path: string }) => d.path === '/configSchema/properties/apiUrl/type').message).to.include('must be one of: "array", "boolean"');
      });

      it('needs an object schema with fields, credentials in secret fields, and auth that names what it needs', async () => {
        const noFields = await createTemplate({ ...acmeCrm(), name: 'empty', configSchema: { type: 'object' }, auth: null, baseUrlField: null, testUrl: null });
        expect(noFields.status).to.equal(400);
        expect(noFields.body.error.details).to.deep.equal([{ path: '/configSchema/properties', message: 'must list at least one field' }]);
        const clearKey = await createTemplate({ ...acmeCrm(), name: 'clear-key', configSchema: { type: 'object', properties: { apiUrl: { type: 'string' }, apiKey: { type: 'string' } } } });
        expect(clearKey.status).to.equal(400);
        expect(clearKey.body.error.details).to.have.length(1);
        expect(clearKey.body.error.details[0]).to.include({ path: '/auth/valueField' });
        expect(clearKey.body.error.details[0].message).to.include('mark it secret');
        const halfAuth = await createTemplate({ ...acmeCrm(), name: 'half-auth', auth: { type: 'header', valueField: 'apiKey' } });
        expect(halfAuth.status).to.equal(400);
        expect(halfAuth.body.error.details).to.deep.equal([{ path: '/auth/headerName', message: 'is required' }]);
        const nested = await createTemplate({ ...acmeCrm(), name: 'nested', auth: null, configSchema: { type: 'object', properties: { creds: { type: 'object', properties: { key: { type: 'string', format: 'password' } } } } } });
        expect(nested.body.error.details[0]).to.deep.equal({ path: '/configSchema/properties/creds/properties/key', message: 'secret fields must be top-level properties of the config' });
        const remote = await createTemplate({ ...acmeCrm(), name: 'remote', configSchema: { ...acmeCrm().configSchema, $id: 'https://evil.example/s', properties: { ...acmeCrm().configSchema.properties, x: { $ref: 'https://evil.example/other' } } } });
        expect(remote.body.error.details.map((d: { path: string }) => d.path)).to.have.members(['/configSchema/$id', '/configSchema/properties/x/$ref']);
      });
    });

    describe('integrations of a custom template', () => {
      let templateId: string;
      before(async () => {
        const created = await createTemplate({ ...acmeCrm(), name: 'acme-crm-2' });
        templateId = created.body.id;
      });

      it('are validated by its schema, keep its secrets masked, and test with a GET to its test URL', async () => {
        const bad = await connect(templateId, { apiUrl: 'not a url', apiKey: 'short', region: 'mars' });
        expect(bad.status).to.equal(400);
        expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).to.deep.equal(['/config/apiKey', '/config/apiUrl', '/config/region']);

        const good = await connect(templateId, { apiUrl: `${crm.url}/api`, apiKey: 'acme-key-12345', region: 'eu' });
        expect(good.status).to.equal(201);
        expect(good.body.config).to.deep.equal({ apiUrl: `${crm.url}/api`, apiKey: '********', region: 'eu' });
        const row = await server.app.models.Integration.findByPk(good.body.id);
        expect(JSON.stringify(row!.toJSON())).to.not.include('acme-key-12345');
        const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${good.body.id}/test`, { token: acme.token });
        expect(test.body.ok, test.body.message).to.equal(true);
        expect(crm.sent.at(-1)).to.include({ path: '/api/whoami' });
        expect(crm.sent.at(-1)!.headers['x-acme-key']).to.equal('acme-key-12345');

        const wrong = await connect(templateId, { apiUrl: `${crm.url}/api`, apiKey: 'wrong-key-000' });
        const refused = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${wrong.body.id}/test`, { token: acme.token });
        expect(refused.body.ok).to.equal(false);
        const read = await server.request('GET', `/api/subaccounts/${ws.sid}/integrations/${wrong.body.id}`, { token: acme.token });
        expect(read.body).to.include({ status: 'error', lastError: refused.body.message });
      });

      it('of a template without a test URL test as stored', async () => {
        const created = await createTemplate({ ...acmeCrm(null), name: 'no-test' });
        const integration = await connect(created.body.id, { apiUrl: crm.url, apiKey: 'acme-key-12345' });
        const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${integration.body.id}/test`, { token: acme.token });
        expect(test.body).to.deep.equal({ ok: true, message: 'Stored. This template has no test URL, so nothing was called.' });
      });

      it('follow a changed schema: a field made secret is sealed and masked from then on', async () => {
        const created = await createTemplate({ ...acmeCrm(), name: 'evolving', auth: null, configSchema: { type: 'object', properties: { apiUrl: { type: 'string' }, apiKey: { type: 'string', 'x-secret': true }, account: { type: 'string' } } } });
        const integration = await connect(created.body.id, { apiUrl: crm.url, apiKey: 'acme-key-12345', account: 'acct-secret-42' });
        expect(integration.body.config.account).to.equal('acct-secret-42');
        const schema = { type: 'object', properties: { apiUrl: { type: 'string' }, apiKey: { type: 'string', 'x-secret': true }, account: { type: 'string', format: 'password' } } };
        const patched = await server.request('PATCH', `/api/integration-templates/${created.body.id}`, { token: acme.token, body: { configSchema: schema } });
        expect(patched.status, patched.text).to.equal(200);
        const read = await server.request('GET', `/api/subaccounts/${ws.sid}/integrations/${integration.body.id}`, { token: acme.token });
        expect(read.body.config).to.deep.equal({ apiUrl: crm.url, apiKey: '********', account: '********' });
        const row = await server.app.models.Integration.findByPk(integration.body.id);
        expect(JSON.stringify(row!.toJSON())).to.not.include('acct-secret-42');
      });

      it('keep their template from being deleted until they are gone', async () => {
        const created = await createTemplate({ ...acmeCrm(), name: 'short-lived' });
        const integration = await connect(created.body.id, { apiUrl: crm.url, apiKey: 'acme-key-12345' });
        const refused = await server.request('DELETE', `/api/integration-templates/${created.body.id}`, { token: acme.token });
        expect(refused.status).to.equal(409);
        expect(refused.body.error.code).to.equal('template_in_use');
        await server.request('DELETE', `/api/subaccounts/${ws.sid}/integrations/${integration.body.id}`, { token: acme.token });
        expect((await server.request('DELETE', `/api/integration-templates/${created.body.id}`, { token: acme.token })).status).to.equal(204);
        expect((await templates(acme.token)).body.map((t: { id: string }) => t.id)).to.not.include(created.body.id);
      });
    });

    describe('http.request with an integration', () => {
      const call = async (config: Record<string, unknown>) => {
        const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'call', type: 'http.request', config }], edges: [{ source: 't', target: 'call' }] });
        return stepOf(await runAndWait(ws, flow.id), 'call');
      };

      it('sends a custom template’s key, resolving a path under its base URL', async () => {
        const template = await createTemplate({ ...acmeCrm(), name: 'for-requests' });
        const integration = await connect(template.body.id, { apiUrl: `${crm.url}/api`, apiKey: 'acme-key-12345' });
        const step = await call({ url: '/contacts', integrationId: integration.body.id });
        expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
        expect(step.output.body).to.deep.equal([{ id: 1 }]);
        expect(crm.sent.at(-1)!.headers['x-acme-key']).to.equal('acme-key-12345');
      });

      it('sends an http integration’s bearer token or query key, and never outside its base URL', async () => {
        crm.route('GET', '/v2/items', (request) => ({ status: 200, body: { auth: request.headers.authorization ?? null, key: request.query.get('key') } }));
        const bearer = await connect('http', { baseUrl: `${crm.url}/v2`, authType: 'bearer', token: 'tok-123456' });
        expect((await call({ url: '/items', integrationId: bearer.body.id })).output.body).to.deep.equal({ auth: 'Bearer tok-123456', key: null });
        const query = await connect('http', { baseUrl: `${crm.url}/v2`, authType: 'query', keyName: 'key', keyValue: 'qk-999' });
        const step = await call({ url: `${crm.url}/v2/items`, integrationId: query.body.id });
        expect(step.output.body).to.deep.equal({ auth: null, key: 'qk-999' });
        expect(JSON.stringify(step.logs), 'the key stays out of the logs').to.not.include('qk-999');

        const before = crm.sent.length;
        const outside = await call({ url: `${crm.url}/api/contacts`, integrationId: bearer.body.id });
        expect(outside.status).to.equal('failed');
        expect(outside.error).to.include({ code: 'outside_integration' });
        expect(crm.sent.length, 'nothing was sent').to.equal(before);
      });

      it('without an integration works as before, and a path without one is a clear error', async () => {
        crm.route('GET', '/open', () => ({ status: 200, body: { open: true } }));
        expect((await call({ url: `${crm.url}/open` })).output.body).to.deep.equal({ open: true });
        const relative = await call({ url: '/open' });
        expect(relative.error).to.include({ code: 'invalid_url' });
      });

      it('is refused at save when the integration is of a template it does not take, or of another sub-account (400 naming the node)', async () => {
        const secret = await connect('webhook-secret', { secret: 'whsec_0123456789' });
        const plain = await createTemplate({ ...acmeCrm(), name: 'no-auth', auth: null, testUrl: null });
        const noAuth = await connect(plain.body.id, { apiUrl: crm.url, apiKey: 'acme-key-12345' });
        const otherSid = await createSubaccount(server, acme.token, 'Other');
        const elsewhere = await connect('http', { baseUrl: crm.url, authType: 'none' }, otherSid);
        for (const id of [secret.body.id, noAuth.body.id, elsewhere.body.id, 'not-an-id']) {
          const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
            token: acme.token,
            body: { name: 'f', graph: { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'fetch', type: 'http.request', config: { url: `${crm.url}/x`, integrationId: id } }], edges: [{ source: 't', target: 'fetch' }] } },
          });
          expect(res.status, id).to.equal(400);
          expect(res.body.error.details[0].path).to.equal('/graph/nodes/1/config/integrationId');
          expect(res.body.error.message).to.include('node "fetch"');
        }
      });
    });
  });
}
