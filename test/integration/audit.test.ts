import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser, createSubaccount, registerAgency, type Agency } from '../helpers/story.js';

interface Entry {
  id: string;
  at: string;
  action: string;
  actor: { userId: string | null; apiKeyId: string | null; email: string | null };
  target: { type: string; id: string | null; name: string | null };
  subaccountId: string | null;
  fields: string[];
}

const SECRETS = ['whsec_first_secret_value', 'whsec_second_secret_value', 'inline-node-secret-777', 'sk_test_auditKey0000000001'];

for (const kind of databaseKinds) {
  describe(`audit log (${kind.name})`, function () {
    let server: TestServer;
    let acme: Agency;
    let rival: Agency;
    let ws: Workspace;

    before(async () => {
      server = await startServer(kind);
      acme = await registerAgency(server, 'Acme');
      rival = await registerAgency(server, 'Rival');
      ws = { server, token: acme.token, sid: await createSubaccount(server, acme.token) };
    });
    after(async () => server?.close());

    async function entries(token = acme.token): Promise<Entry[]> {
      const all: Entry[] = [];
      let cursor = '';
      for (;;) {
        const res = await server.request('GET', `/api/audit?limit=5${cursor ? `&cursor=${cursor}` : ''}`, { token });
        expect(res.status, res.text).to.equal(200);
        all.push(...res.body.items);
        if (!res.body.nextCursor) return all;
        cursor = res.body.nextCursor;
      }
    }

    it('records who changed which fields of integrations, templates, flows and users, newest first, never a value', async () => {
      const base = `/api/subaccounts/${ws.sid}/integrations`;
      const created = await server.request('POST', base, { token: acme.token, body: { template: 'webhook-secret', name: 'Signing', config: { secret: SECRETS[0] } } });
      const iid = created.body.id;
      await server.request('PATCH', `${base}/${iid}`, { token: acme.token, body: { config: { secret: SECRETS[1] } } });
      await server.request('PATCH', `${base}/${iid}`, { token: acme.token, body: { name: 'Signing key', config: { secret: '********' } } });
      await server.request('POST', `${base}/${iid}/test`, { token: acme.token });
      const stripe = await server.request('POST', base, { token: acme.token, body: { template: 'stripe', name: 'Stripe', config: { secretKey: SECRETS[3] } } });
      await server.request('DELETE', `${base}/${stripe.body.id}`, { token: acme.token });

      const template = await server.request('POST', '/api/integration-templates', {
        token: acme.token,
        body: { name: 'acme-crm', displayName: 'Acme CRM', category: 'CRM', description: '', configSchema: { type: 'object', properties: { key: { type: 'string', 'x-secret': true } } } },
      });
      await server.request('PATCH', `/api/integration-templates/${template.body.id}`, { token: acme.token, body: { displayName: 'Acme CRM v2', category: 'CRM' } });

      const hook = { id: 'hook', type: 'trigger.webhook', config: { signature: { secret: SECRETS[2], header: 'X-Sig' } } };
      const flow = await createFlow(ws, { nodes: [hook] }, 'Leads');
      await server.request('PUT', `/api/subaccounts/${ws.sid}/flows/${flow.id}`, { token: acme.token, body: { name: 'Leads v2', graph: { nodes: [{ ...hook, config: { signature: { secret: '********', header: 'X-Other' } } }] } } });
      await activate(ws, flow.id);
      await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/deactivate`, { token: acme.token });
      await server.request('DELETE', `/api/subaccounts/${ws.sid}/flows/${flow.id}`, { token: acme.token });

      const builderToken = await addUser(server, acme.token, 'builder', [ws.sid]);
      const me = await server.request('GET', '/api/auth/me', { token: builderToken });
      await server.request('PATCH', `/api/users/${me.body.user.id}`, { token: acme.token, body: { role: 'viewer' } });
      await server.request('DELETE', `/api/users/${me.body.user.id}`, { token: acme.token });

      const log = await entries();
      expect(log.map((e) => e.action)).to.deep.equal([
        'user.deleted',
        'user.updated',
        'user.created',
        'flow.deleted',
        'flow.deactivated',
        'flow.activated',
        'flow.saved',
        'flow.created',
        'template.updated',
        'template.created',
        'integration.deleted',
        'integration.created',
        'integration.tested',
        'integration.updated',
        'integration.updated',
        'integration.created',
      ]);
      const [firstCreate] = log.slice(-1);
      expect(firstCreate).to.deep.include({ actor: { userId: acme.userId, apiKeyId: null, email: acme.email }, subaccountId: ws.sid, fields: ['name', 'secret'] });
      expect(firstCreate.target).to.deep.equal({ type: 'integration', id: iid, name: 'Signing' });
      expect(log.at(-2)!.fields, 'a new secret is a changed field').to.deep.equal(['config.secret']);
      expect(log.at(-3)!.fields, 'the mask sent back changes nothing but the name').to.deep.equal(['name']);
      expect(log.find((e) => e.action === 'template.updated')!.fields, 'an unchanged category is not a change').to.deep.equal(['displayName']);
      expect(log.find((e) => e.action === 'flow.saved')!.fields).to.deep.equal(['graph', 'name']);
      expect(log.find((e) => e.action === 'user.updated')!.fields).to.deep.equal(['role']);
      expect(log.find((e) => e.action === 'user.deleted')!.target.name).to.equal(me.body.user.email);
      expect(new Set(log.map((e) => e.id)).size, 'pages do not overlap').to.equal(log.length);

      const text = JSON.stringify(log);
      for (const secret of SECRETS) expect(text).to.not.include(secret);
      const rows = await server.app.models.AuditEntry.findAll();
      for (const secret of SECRETS) expect(JSON.stringify(rows.map((r) => r.toJSON()))).to.not.include(secret);
    });

    it('is readable by owners and admins only: builders and viewers get 403', async () => {
      const admin = await addUser(server, acme.token, 'admin');
      expect((await entries(admin)).length).to.be.greaterThan(0);
      for (const role of ['builder', 'viewer']) {
        const token = await addUser(server, acme.token, role, [ws.sid]);
        const res = await server.request('GET', '/api/audit', { token });
        expect(res.status, role).to.equal(403);
      }
      const key = await server.request('POST', `/api/subaccounts/${ws.sid}/api-keys`, { token: acme.token, body: { name: 'k' } });
      expect((await server.request('GET', '/api/audit', { token: key.body.key })).status, 'an API key is not an admin').to.equal(403);
    });

    it('never shows another agency’s entries', async () => {
      const rivalSid = await createSubaccount(server, rival.token);
      await server.request('POST', `/api/subaccounts/${rivalSid}/integrations`, { token: rival.token, body: { template: 'webhook-secret', name: 'Rival secret', config: { secret: 'rival-secret-value' } } });
      const theirs = await entries(rival.token);
      expect(theirs.map((e) => e.action)).to.deep.equal(['integration.created']);
      expect(theirs[0].actor.email).to.equal(rival.email);
      const ours = await entries();
      expect(ours.some((e) => e.target.name === 'Rival secret')).to.equal(false);
      expect((await server.request('GET', '/api/audit?cursor=garbage', { token: acme.token })).status).to.equal(400);
    });
  });
}
