import { expect } from 'chai';
import { runSeeds } from '../../server/db/seed.js';
import { DEMO } from '../../server/db/seed-demo.js';
import { databaseKinds } from '../helpers/databases.js';
import { demoWorkspace } from '../helpers/demo.js';
import { activate, stepOf, waitForStatus, type Workspace } from '../helpers/flows.js';
import { integrationOf } from '../helpers/ghl.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { FakeGhl } from '../fakes/ghl/server.js';

const TOKEN = 'pit-demo-seed-0001';
const LOCATION = 'locSeed01';

for (const kind of databaseKinds) {
  describe(`the seeded lead-processing example (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let fake: FakeGhl;
    let ws: Workspace;
    let hook: string;

    before(async () => {
      fake = await FakeGhl.start({ locationId: LOCATION, token: TOKEN });
      process.env.GHL_API_URL = fake.url;
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
    });
    after(async () => {
      delete process.env.GHL_API_URL;
      await server?.close();
      await fake?.close();
    });

    it('is loaded once: an inactive flow in a demo sub-account with a pending GoHighLevel integration', async () => {
      expect(await runSeeds(server.app.models)).to.include('demo sub-account with the lead-processing flow');
      expect(await runSeeds(server.app.models)).to.deep.equal([], 'a second start adds nothing');
      ws = await demoWorkspace(server);

      const flow = await server.request('GET', `/api/subaccounts/${ws.sid}/flows/${DEMO.leadFlowId}`, { token: ws.token });
      expect(flow.status).to.equal(200);
      expect(flow.body).to.include({ name: 'Lead processing (example)', active: false });
      expect(flow.body.graph.nodes.map((n: { type: string }) => n.type)).to.deep.equal([
        'trigger.webhook', 'logic.condition', 'ghl.contact.find', 'logic.set', 'ghl.contact.upsert', 'ghl.contact.addTags', 'logic.condition', 'ghl.opportunity.create',
      ]);
      hook = new URL(flow.body.triggers[0].url).pathname;
      const integration = await integrationOf(ws, DEMO.integrationId);
      expect(integration.status).to.equal('pending');
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${DEMO.integrationId}/test`, { token: ws.token });
      expect(test.body.ok).to.equal(false, 'the placeholder has no token yet');
    });

    it('runs against GoHighLevel once connected: a hot lead gets a contact, tags and a deal; a cold one no deal; a bad one nothing', async () => {
      const patched = await server.request('PATCH', `/api/subaccounts/${ws.sid}/integrations/${DEMO.integrationId}`, { token: ws.token, body: { config: { authType: 'token', token: TOKEN, locationId: LOCATION } } });
      expect(patched.status, patched.text).to.equal(200);
      await activate(ws, DEMO.leadFlowId);
      const post = async (body: unknown) => {
        const res = await server.request('POST', hook, { body });
        expect(res.status).to.equal(202);
        return waitForStatus(ws, res.body.executionId, ['succeeded', 'failed']);
      };

      const hot = await post({ email: 'maria@example.com', firstName: 'Maria', lastName: 'Lopez', phone: '+15550104444', budget: 8000 });
      expect(hot.status, JSON.stringify(hot.steps.map((s) => s.error))).to.equal('succeeded');
      expect(stepOf(hot, 'score').output.score).to.equal(100);
      const maria = fake.state.findDuplicate(LOCATION, 'maria@example.com')!;
      expect(maria).to.include({ firstName: 'Maria', lastName: 'Lopez', phone: '+15550104444', source: 'Website form' });
      expect(maria.tags).to.deep.equal(['lead', 'website']);
      const sales = fake.location(LOCATION).pipelines[0]!;
      expect([...fake.state.opportunities.values()]).to.have.length(1);
      expect([...fake.state.opportunities.values()][0]).to.include({ contactId: maria.id, pipelineId: sales.id, pipelineStageId: sales.stages[0]!.id, name: 'Maria Lopez: website lead', monetaryValue: 8000 });

      const cold = await post({ email: 'tom@example.com', firstName: 'Tom', budget: 100 });
      expect(cold.status).to.equal('succeeded');
      expect(stepOf(cold, 'score').output.score).to.equal(40);
      expect(stepOf(cold, 'deal').status).to.equal('skipped');
      expect(fake.state.findDuplicate(LOCATION, 'tom@example.com')!.tags).to.deep.equal(['lead', 'website']);
      expect(fake.state.opportunities.size).to.equal(1);

      const before = fake.requests.length;
      const bad = await post({ email: 'not-an-email', firstName: 'X' });
      expect(stepOf(bad, 'find').status).to.equal('skipped');
      expect(fake.requests.length).to.equal(before, 'nothing reached GoHighLevel');
      expect((await integrationOf(ws, DEMO.integrationId)).status).to.not.equal('error');
    });
  });
}
