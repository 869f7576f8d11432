import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, runAndWait, stepOf, waitForStatus, type Graph, type Workspace, workspace } from '../helpers/flows.js';
import { connectGhl, integrationOf } from '../helpers/ghl.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { FakeGhl } from '../fakes/ghl/server.js';

const TOKEN = 'pit-story-token-0001';
const LOCATION = 'locStory01';
const retrying = { retry: { maxAttempts: 3, backoff: { initialMs: 10, factor: 1, maxMs: 10 } } };

for (const kind of databaseKinds) {
  describe(`GoHighLevel nodes against the fake (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let fake: FakeGhl;
    let ws: Workspace;
    let integrationId: string;

    before(async () => {
      fake = await FakeGhl.start({ locationId: LOCATION, token: TOKEN });
      // The base URL comes from the environment, as in production (GHL_API_URL).
      process.env.GHL_API_URL = fake.url;
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
      ws = await workspace(server);
      integrationId = await connectGhl(ws, { token: TOKEN, locationId: LOCATION });
    });
    after(async () => {
      delete process.env.GHL_API_URL;
      await server?.close();
      await fake?.close();
    });
    beforeEach(() => fake.requests.splice(0));

    const run = async (nodes: Graph['nodes'], input: unknown = {}) => {
      const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, ...nodes], edges: nodes.map((n, i) => ({ source: i ? nodes[i - 1]!.id : 't', target: n.id })) });
      return runAndWait(ws, flow.id, input);
    };

    it('connects with a Private Integration Token and a location, tests it, and never shows the token', async () => {
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${integrationId}/test`, { token: ws.token });
      expect(test.body).to.deep.equal({ ok: true, message: `Connected to GoHighLevel location "Demo Dental" (${LOCATION}).` });
      const read = await integrationOf(ws, integrationId);
      expect(read.status).to.equal('active');
      expect(read.config).to.include({ token: '********', locationId: LOCATION });
      expect(fake.requests[0]).to.include({ method: 'GET', path: `/locations/${LOCATION}` });
      expect(fake.requests[0]!.headers).to.include({ authorization: `Bearer ${TOKEN}`, version: '2021-07-28' });
    });

    it('refuses a config without a token or a location, one detail each', async () => {
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations`, { token: ws.token, body: { template: 'gohighlevel', name: 'x', config: { calendarId: 'c1' } } });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['/config/locationId', '/config/token']);
    });

    it('fails the test of a token GoHighLevel does not know, with a message to act on', async () => {
      const id = await connectGhl(ws, { token: 'pit-unknown-token-99', locationId: LOCATION }, 'Wrong token');
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${id}/test`, { token: ws.token });
      expect(test.body.ok).to.equal(false);
      expect(test.body.message).to.match(/GoHighLevel refused the token.*reconnect the integration/);
      expect((await integrationOf(ws, id)).status).to.equal('error');
    });

    it('offers pipelines with their stages, calendars, users, tags, custom fields, workflows and campaigns', async () => {
      const options = (name: string) => server.request('GET', `/api/subaccounts/${ws.sid}/integrations/${integrationId}/options/${name}`, { token: ws.token });
      const location = fake.location(LOCATION);
      const pipelines = await options('pipelines');
      expect(pipelines.status, pipelines.text).to.equal(200);
      expect(pipelines.body[0]).to.deep.include({ value: location.pipelines[0]!.id, label: 'Sales' });
      expect(pipelines.body[0].stages.map((s: { label: string }) => s.label)).to.deep.equal(['New', 'Qualified', 'Won']);
      expect((await options('calendars')).body).to.deep.equal([{ value: location.calendars[0]!.id, label: 'Consultations' }]);
      expect((await options('users')).body[0]).to.include({ label: 'Dana Agent', email: 'dana@agency.test' });
      expect((await options('tags')).body.map((t: { value: string }) => t.value)).to.deep.equal(['lead', 'vip']);
      expect((await options('customFields')).body.map((f: { value: string }) => f.value)).to.deep.equal(['contact.lead_score', 'contact.pincode']);
      expect((await options('workflows')).body[0]).to.include({ label: 'Welcome sequence' });
      expect((await options('campaigns')).body[0]).to.include({ label: 'Spring offer' });
      const calendarCall = fake.calls('/calendars/')[0]!;
      expect(calendarCall.headers.version).to.equal('2021-04-15');
      expect((await options('nope')).status).to.equal(404);
    });

    it('a webhook flow upserts a contact, tags it and opens an opportunity, and is safe to run again', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 'hook', type: 'trigger.webhook' },
          {
            id: 'upsert',
            type: 'ghl.contact.upsert',
            config: { integrationId, email: '{{ $json.body.email }}', firstName: '{{ $json.body.first }}', phone: '{{ $json.body.phone }}', source: 'Website', customFields: { lead_score: '{{ $json.body.score }}' } },
          },
          { id: 'tag', type: 'ghl.contact.addTags', config: { integrationId, contactId: '{{ $json.contact.id }}', tags: ['lead', 'website'] } },
          {
            id: 'deal',
            type: 'ghl.opportunity.create',
            config: { integrationId, contactId: '{{ $node.upsert.contact.id }}', pipelineName: 'Sales', stageName: 'qualified', name: 'Website lead: {{ $trigger.body.first }}', monetaryValue: 2500 },
          },
        ],
        edges: [
          { source: 'hook', target: 'upsert' },
          { source: 'upsert', target: 'tag' },
          { source: 'tag', target: 'deal' },
        ],
      });
      await activate(ws, flow.id);
      const hook = new URL(flow.triggers[0]!.url!).pathname;
      const lead = { email: 'ana@example.com', first: 'Ana', phone: '+15550001111', score: 87 };
      const post = async () => {
        const res = await server.request('POST', hook, { body: lead });
        expect(res.status).to.equal(202);
        return waitForStatus(ws, res.body.executionId, ['succeeded', 'failed']);
      };
      const execution = await post();
      expect(execution.status, JSON.stringify(execution.steps.map((s) => s.error))).to.equal('succeeded');

      const location = fake.location(LOCATION);
      const [contact, ...others] = fake.state.contactsOf(LOCATION);
      expect(others).to.have.length(0);
      expect(contact).to.include({ email: 'ana@example.com', firstName: 'Ana', phone: '+15550001111', source: 'Website' });
      const score = location.customFields.find((f) => f.fieldKey === 'contact.lead_score')!;
      expect(contact!.customFields).to.deep.equal([{ id: score.id, value: 87 }]);
      expect(contact!.tags).to.deep.equal(['lead', 'website']);
      const [deal] = [...fake.state.opportunities.values()];
      const sales = location.pipelines[0]!;
      expect(deal).to.include({ contactId: contact!.id, pipelineId: sales.id, pipelineStageId: sales.stages[1]!.id, status: 'open', name: 'Website lead: Ana', monetaryValue: 2500, locationId: LOCATION });

      const upsert = fake.calls('POST /contacts/upsert')[0]!;
      expect(upsert.headers).to.include({ authorization: `Bearer ${TOKEN}`, version: '2021-07-28', 'content-type': 'application/json' });
      expect(upsert.body).to.deep.equal({ locationId: LOCATION, email: 'ana@example.com', firstName: 'Ana', phone: '+15550001111', source: 'Website', customFields: [{ id: score.id, field_value: 87 }] });
      expect(stepOf(execution, 'upsert').output).to.deep.include({ new: true, fields: { lead_score: 87 } });
      expect(stepOf(execution, 'deal').output.created).to.equal(true);

      const logs = execution.steps.flatMap((s) => s.logs);
      expect(logs.some((l) => /^GoHighLevel POST \/contacts\/upsert → 200 \(\d+ ms\)$/.test(l)), logs.join('\n')).to.equal(true);
      expect(logs.some((l) => /^GoHighLevel POST \/opportunities\/ → 201 \(\d+ ms\)$/.test(l))).to.equal(true);
      expect(JSON.stringify(execution)).to.not.include(TOKEN);

      // The same lead again (a re-delivery, or a run repeated after a crash): no second contact or deal.
      const again = await post();
      expect(again.status).to.equal('succeeded');
      expect(fake.state.contactsOf(LOCATION)).to.have.length(1);
      expect(fake.state.opportunities.size).to.equal(1);
      expect(stepOf(again, 'upsert').output.new).to.equal(false);
      expect(stepOf(again, 'deal').output).to.deep.include({ created: false });
    });

    it('retries a 429 twice and succeeds on the third attempt', async () => {
      fake.failNext('POST /contacts/upsert', 429, 2, { headers: { 'retry-after': '1' } });
      const execution = await run([{ id: 'upsert', type: 'ghl.contact.upsert', config: { integrationId, email: 'rate@example.com' }, ...retrying }]);
      const step = stepOf(execution, 'upsert');
      expect(step.status).to.equal('succeeded');
      expect(step.attempt).to.equal(3);
      expect(fake.calls('POST /contacts/upsert')).to.have.length(3);
      expect(step.logs.filter((l) => l.includes('→ 429'))).to.have.length(2);
      expect(step.logs.some((l) => /attempt 1 failed: GoHighLevel's rate limit was reached/.test(l))).to.equal(true);
    });

    it('fails with GoHighLevel\'s own message on a 422', async () => {
      fake.failNext('POST /contacts/upsert', 422, 1, { body: { statusCode: 422, message: ['phone must be a valid phone number', 'email must be an email'], error: 'Unprocessable Entity' } });
      const execution = await run([{ id: 'upsert', type: 'ghl.contact.upsert', config: { integrationId, email: 'broken', phone: 'x' }, ...retrying }]);
      const step = stepOf(execution, 'upsert');
      expect(step.status).to.equal('failed');
      expect(step.attempt).to.equal(1, 'a 422 is not retried');
      expect(step.error!.message).to.equal('GoHighLevel rejected the contact upsert: phone must be a valid phone number; email must be an email');
      expect(step.error!.retryable).to.equal(false);
    });

    it('names an unknown custom field key and lists the location\'s fields', async () => {
      const execution = await run([{ id: 'upsert', type: 'ghl.contact.upsert', config: { integrationId, email: 'cf@example.com', customFields: { shoe_size: 44 } } }]);
      expect(stepOf(execution, 'upsert').error!.message).to.equal('This GoHighLevel location has no contact custom field "shoe_size"; its fields are: contact.lead_score, contact.pincode.');
      expect(fake.calls('POST /contacts/upsert')).to.have.length(0);
    });

    it('marks the integration error with a message to act on when GoHighLevel revokes the token', async () => {
      const token = 'pit-soon-revoked-0002';
      fake.state.addToken(token, LOCATION);
      const id = await connectGhl(ws, { token, locationId: LOCATION }, 'Revoked');
      fake.revoke(token);
      const execution = await run([{ id: 'get', type: 'ghl.contact.find', config: { integrationId: id, email: 'ana@example.com' }, ...retrying }]);
      const step = stepOf(execution, 'get');
      expect(step.status).to.equal('failed');
      expect(step.attempt).to.equal(1, 'a refused token is not retried');
      expect(step.error!.message).to.match(/^GoHighLevel refused the token \(Invalid token: access token is invalid\): reconnect the integration/);
      const integration = await integrationOf(ws, id);
      expect(integration.status).to.equal('error');
      expect(integration.lastError).to.equal(step.error!.message);
      expect((await integrationOf(ws, integrationId)).status).to.equal('active', 'other integrations keep their status');
    });
  });
}
