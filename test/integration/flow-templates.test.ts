import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { workspace, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser } from '../helpers/story.js';

interface Template {
  id: string;
  name: string;
  description: string;
  nodeTypes: string[];
  integrations: string[];
  graph: { nodes: { id: string; type: string; config: Record<string, unknown> }[]; edges: unknown[] };
}

for (const kind of databaseKinds) {
  describe(`flow templates from the seed examples (${kind.name})`, function () {
    this.timeout(30_000);
    let server: TestServer;
    let ws: Workspace;
    const fromTemplate = (body: unknown, token = ws.token, sid = ws.sid) => server.request('POST', `/api/subaccounts/${sid}/flows/from-template`, { token, body });
    const integrations = async () => (await server.request('GET', `/api/subaccounts/${ws.sid}/integrations`, { token: ws.token })).body.items as { id: string; template: string; status: string; name: string }[];

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    it('lists the lead-processing flow and the GLYTCH bridge with their node types and no integration ids, to signed-in users only', async () => {
      expect((await server.request('GET', '/api/flow-templates')).status).to.equal(401);
      const res = await server.request('GET', '/api/flow-templates', { token: ws.token });
      expect(res.status).to.equal(200);
      const templates = res.body as Template[];
      expect(templates.map((t) => t.id)).to.deep.equal(['lead-processing', 'glytch-bridge']);
      const lead = templates[0];
      expect(lead.name).to.equal('Lead processing');
      expect(lead.description).to.contain('Webhook');
      expect(lead.nodeTypes).to.include.members(['trigger.webhook', 'logic.condition', 'ghl.contact.upsert']);
      expect(lead.integrations).to.deep.equal(['gohighlevel']);
      expect(templates[1].integrations).to.deep.equal(['gohighlevel', 'openai']);
      for (const t of templates) for (const n of t.graph.nodes) expect(n.config, `${t.id}/${n.id}`).to.not.have.property('integrationId');
    });

    it('starts an inactive flow from a template with pending placeholder integrations, and reuses them for the next one', async () => {
      const res = await fromTemplate({ template: 'lead-processing' });
      expect(res.status, res.text).to.equal(201);
      expect(res.body).to.include({ name: 'Lead processing', version: 1, active: false });
      expect(res.body.triggers.map((t: { type: string }) => t.type)).to.deep.equal(['trigger.webhook']);
      const placeholders = await integrations();
      expect(placeholders.map((i) => [i.template, i.status])).to.deep.equal([['gohighlevel', 'pending']]);
      const upsert = res.body.graph.nodes.find((n: { id: string }) => n.id === 'upsert');
      expect(upsert.config.integrationId).to.equal(placeholders[0].id);

      const bridge = await fromTemplate({ template: 'glytch-bridge', name: 'Chat bridge' });
      expect(bridge.status, bridge.text).to.equal(201);
      expect(bridge.body).to.include({ name: 'Chat bridge', active: false });
      const after = await integrations();
      expect(after.map((i) => i.template).sort()).to.deep.equal(['gohighlevel', 'openai'], 'the GoHighLevel placeholder is reused, OpenAI added');
      const ghlNodes = bridge.body.graph.nodes.filter((n: { type: string }) => n.type.startsWith('ghl.'));
      expect(ghlNodes.length).to.be.greaterThan(0);
      for (const n of ghlNodes) expect(n.config.integrationId).to.equal(placeholders[0].id);

      const listed = await server.request('GET', `/api/subaccounts/${ws.sid}/flows`, { token: ws.token });
      expect(listed.body.items.map((f: { name: string }) => f.name)).to.include.members(['Lead processing', 'Chat bridge']);
    });

    it('refuses an unknown template or a bad name with 400, and viewers with 403', async () => {
      const unknown = await fromTemplate({ template: 'nope' });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.details[0].path).to.equal('/template');
      expect((await fromTemplate({})).status).to.equal(400);
      expect((await fromTemplate({ template: 'lead-processing', name: '' })).status).to.equal(400);
      expect((await fromTemplate('lead-processing')).status).to.equal(400);
      const viewer = await addUser(server, ws.token, 'viewer', [ws.sid]);
      expect((await fromTemplate({ template: 'lead-processing' }, viewer)).status).to.equal(403);
    });

    it('answers 404 for another agency’s sub-account', async () => {
      const other = await workspace(server, 'Other agency');
      expect((await fromTemplate({ template: 'lead-processing' }, ws.token, other.sid)).status).to.equal(404);
    });
  });
}
