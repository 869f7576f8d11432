import { expect } from 'chai';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { FakeGhl } from '../fakes/ghl/server.js';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, getExecution, type Workspace } from '../helpers/flows.js';
import { connectGhl } from '../helpers/ghl.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency } from '../helpers/story.js';
import { until } from '../helpers/until.js';

// GoHighLevel's keys stay GoHighLevel's: the tests sign with pairs of their own and give the server the public halves.
const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: typeof ed25519.publicKey) => key.export({ type: 'spki', format: 'pem' }).toString();

interface Delivery {
  status: number;
  body: any;
}

for (const kind of databaseKinds) {
  describe(`GoHighLevel events (${kind.name})`, function () {
    this.timeout(60_000);
    let fake: FakeGhl;
    let server: TestServer;
    let a: Workspace;
    let b: Workspace;
    let integrationA: string;
    const flows: Record<string, string> = {};

    async function deliver(event: Record<string, unknown>, options: { signWith?: 'ed25519' | 'rsa' | 'wrong' | 'none'; timestamp?: string } = {}): Promise<Delivery> {
      const body = JSON.stringify({ timestamp: options.timestamp ?? new Date().toISOString(), webhookId: randomUUID(), ...event });
      const raw = Buffer.from(body);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const how = options.signWith ?? 'ed25519';
      if (how === 'ed25519') headers['x-ghl-signature'] = sign(null, raw, ed25519.privateKey).toString('base64');
      if (how === 'rsa') headers['x-wh-signature'] = sign('sha256', raw, rsa.privateKey).toString('base64');
      if (how === 'wrong') headers['x-ghl-signature'] = sign(null, raw, generateKeyPairSync('ed25519').privateKey).toString('base64');
      const res = await server.request('POST', '/webhooks/gohighlevel', { raw: body, headers });
      return { status: res.status, body: res.body };
    }

    async function executionsOf(ws: Workspace, flowId: string): Promise<{ id: string; status: string }[]> {
      const res = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${flowId}`, { token: ws.token });
      return res.body.items;
    }

    /** Every stored event processed: what was going to start has started. */
    const settled = () => until(async () => (await server.app.models.GhlEvent.count({ where: { processedAt: null } })) === 0, 15_000, 'event processing');

    const connect = (ws: Workspace, locationId: string, token: string) => connectGhl(ws, { authType: 'token', token, locationId }, 'GHL');

    async function flow(ws: Workspace, name: string, config: Record<string, unknown>): Promise<string> {
      const created = await createFlow(ws, { nodes: [{ id: 'ghl', type: 'trigger.ghl', config }, { id: 'note', type: 'logic.set', config: { value: { seen: '{{ $json.type }}' } } }], edges: [{ source: 'ghl', target: 'note' }] }, name);
      await activate(ws, created.id);
      return created.id;
    }

    before(async () => {
      fake = await FakeGhl.start();
      fake.state.addLocation('loc_other_2', 'Other Clinic');
      fake.state.addToken('pit-other-token-5678', 'loc_other_2');
      server = await startServer(kind, {
        GHL_API_URL: fake.url,
        ALLOW_PRIVATE_NETWORK: 'true',
        GHL_WEBHOOK_PUBLIC_KEY: pem(ed25519.publicKey),
        GHL_WEBHOOK_RSA_PUBLIC_KEY: pem(rsa.publicKey),
      });
      const agency = await registerAgency(server);
      a = { server, token: agency.token, sid: await createSubaccount(server, agency.token, 'Dental A') };
      b = { server, token: agency.token, sid: await createSubaccount(server, agency.token, 'Clinic B') };
      integrationA = await connect(a, 'loc_demo_1', 'pit-demo-token-1234');
      await connect(b, 'loc_other_2', 'pit-other-token-5678');
      flows.vipA = await flow(a, 'Tag added: vip', { on: 'tagAdded', tag: 'vip' });
      flows.otherTagA = await flow(a, 'Tag added: gold', { on: 'tagAdded', tag: 'gold' });
      flows.vipB = await flow(b, 'Tag added: vip (other location)', { on: 'tagAdded', tag: 'vip' });
      flows.wonA = await flow(a, 'Stage New → Won', { on: 'stageChanged', fromStage: 'new', toStage: 'Won' });
      flows.websiteA = await flow(a, 'Contacts from the website', {
        events: ['ContactCreate'],
        rules: { rules: [{ left: '{{ $json.event.source }}', operator: 'equals', right: 'website' }] },
      });
    });
    after(async () => {
      await server?.close();
      await fake?.close();
    });

    it('starts the "tag added: vip" flow in the sub-account of the location only, with the event, snapshot and change', async () => {
      const contact = { locationId: 'loc_demo_1', id: 'contact_1', email: 'ann@example.com', tags: ['lead'] };
      expect((await deliver({ type: 'ContactCreate', ...contact, source: 'phone' })).status).to.equal(200);
      expect((await deliver({ type: 'ContactTagUpdate', ...contact, tags: ['lead', 'VIP'] })).status).to.equal(200);
      // The same tag list again adds nothing.
      expect((await deliver({ type: 'ContactTagUpdate', ...contact, tags: ['lead', 'VIP'] })).status).to.equal(200);
      await settled();
      await until(async () => (await executionsOf(a, flows.vipA)).every((e) => e.status === 'succeeded'), 15_000, 'the vip flow to finish');
      const runs = await executionsOf(a, flows.vipA);
      expect(runs).to.have.length(1);
      const execution = await getExecution(a, runs[0].id);
      const output = execution.steps.find((s) => s.nodeId === 'ghl')!.output;
      expect(output.type).to.equal('ContactTagUpdate');
      expect(output.change.tagsAdded).to.deep.equal(['VIP']);
      expect(output.change.tagsRemoved).to.deep.equal([]);
      expect(output.previous.tags).to.deep.equal(['lead']);
      expect(output.snapshot).to.include({ id: 'contact_1', email: 'ann@example.com' });
      expect(output.integrationId).to.equal(integrationA);
      expect(await executionsOf(a, flows.otherTagA)).to.have.length(0);
      expect(await executionsOf(b, flows.vipB)).to.have.length(0);
      // The rules read the event: a contact from the phone started nothing.
      expect(await executionsOf(a, flows.websiteA)).to.have.length(0);
    });

    it('starts a flow when its rules on the payload hold', async () => {
      await deliver({ type: 'ContactCreate', locationId: 'loc_demo_1', id: 'contact_web', email: 'web@example.com', source: 'website', tags: [] });
      await settled();
      await until(async () => (await executionsOf(a, flows.websiteA)).length === 1, 10_000, 'the website flow to start');
    });

    it('starts nothing for a repeat, a bad signature, a stale timestamp or a missing signature', async () => {
      const event = { type: 'ContactTagUpdate', locationId: 'loc_demo_1', id: 'contact_2', tags: ['vip'], timestamp: new Date().toISOString(), webhookId: randomUUID() };
      const body = JSON.stringify(event);
      const headers = { 'content-type': 'application/json', 'x-ghl-signature': sign(null, Buffer.from(body), ed25519.privateKey).toString('base64') };
      const first = await server.request('POST', '/webhooks/gohighlevel', { raw: body, headers });
      expect(first.status).to.equal(200);
      await settled();
      const repeat = await server.request('POST', '/webhooks/gohighlevel', { raw: body, headers });
      expect(repeat.status).to.equal(200);
      expect(repeat.body).to.deep.equal({ ok: true, duplicate: true });

      const forged = await deliver({ type: 'ContactTagUpdate', locationId: 'loc_demo_1', id: 'contact_3', tags: ['vip'] }, { signWith: 'wrong' });
      expect(forged.status).to.equal(401);
      expect(forged.body.error.code).to.equal('invalid_signature');
      const unsigned = await deliver({ type: 'ContactTagUpdate', locationId: 'loc_demo_1', id: 'contact_4', tags: ['vip'] }, { signWith: 'none' });
      expect(unsigned.status).to.equal(401);
      const stale = await deliver({ type: 'ContactTagUpdate', locationId: 'loc_demo_1', id: 'contact_5', tags: ['vip'] }, { timestamp: new Date(Date.now() - 6 * 60_000).toISOString() });
      expect(stale.status).to.equal(400);
      expect(stale.body.error.code).to.equal('stale_event');
      // A tampered body under a good signature is forged too.
      const tampered = await server.request('POST', '/webhooks/gohighlevel', { raw: body.replace('contact_2', 'contact_9'), headers });
      expect(tampered.status).to.equal(401);
      await settled();
      const runs = await executionsOf(a, flows.vipA);
      expect(runs).to.have.length(2); // the first delivery of contact_2 (plus contact_1's from the first story)
      expect(await server.app.models.GhlEvent.count({ where: { webhookId: event.webhookId } })).to.equal(1);
    });

    it('accepts the legacy RSA x-wh-signature', async () => {
      const legacy = await deliver({ type: 'ContactTagUpdate', locationId: 'loc_demo_1', id: 'contact_6', tags: ['vip'] }, { signWith: 'rsa' });
      expect(legacy.status).to.equal(200);
      await settled();
      expect(await executionsOf(a, flows.vipA)).to.have.length(3);
    });

    it('refuses what is not a GoHighLevel event with a clear 400, and other methods with 405', async () => {
      const notJson = await server.request('POST', '/webhooks/gohighlevel', { raw: '{nope', headers: { 'x-ghl-signature': sign(null, Buffer.from('{nope'), ed25519.privateKey).toString('base64') } });
      expect(notJson.status).to.equal(400);
      expect(notJson.body.error.code).to.equal('invalid_json');
      const bare = '{"hello":1}';
      const missing = await server.request('POST', '/webhooks/gohighlevel', { raw: bare, headers: { 'x-ghl-signature': sign(null, Buffer.from(bare), ed25519.privateKey).toString('base64') } });
      expect(missing.status).to.equal(400);
      expect(missing.body.error.details.map((d: { path: string }) => d.path)).to.have.members(['/type', '/webhookId', '/timestamp']);
      const garbage = await server.request('POST', '/webhooks/gohighlevel', { raw: bare, headers: { 'x-ghl-signature': '%%%not base64%%%' } });
      expect(garbage.status).to.equal(401);
      const get = await server.request('GET', '/webhooks/gohighlevel');
      expect(get.status).to.equal(405);
      expect(get.headers.get('allow')).to.equal('POST');
    });

    it('sees a stage change from "New" to "Won" by name, looked up at GoHighLevel', async () => {
      const pipeline = fake.location().pipelines[0];
      const stage = (name: string) => pipeline.stages.find((s) => s.name === name)!.id;
      const opportunity = { locationId: 'loc_demo_1', id: 'opp_1', contactId: 'contact_1', pipelineId: pipeline.id, name: 'Implant', status: 'open', monetaryValue: 4000 };
      await deliver({ type: 'OpportunityCreate', ...opportunity, pipelineStageId: stage('New') });
      await settled();
      // Created straight into "New": not a change from "New".
      expect(await executionsOf(a, flows.wonA)).to.have.length(0);
      await deliver({ type: 'OpportunityStageUpdate', ...opportunity, pipelineStageId: stage('Qualified') });
      await deliver({ type: 'OpportunityStageUpdate', ...opportunity, pipelineStageId: stage('Won') });
      await settled();
      expect(await executionsOf(a, flows.wonA)).to.have.length(0);
      // Back to New, then New → Won.
      await deliver({ type: 'OpportunityStageUpdate', ...opportunity, pipelineStageId: stage('New') });
      await deliver({ type: 'OpportunityStageUpdate', ...opportunity, pipelineStageId: stage('Won') });
      await settled();
      const runs = await executionsOf(a, flows.wonA);
      expect(runs).to.have.length(1);
      await until(async () => (await getExecution(a, runs[0].id)).status === 'succeeded', 10_000, 'the stage flow to finish');
      const output = (await getExecution(a, runs[0].id)).steps.find((s) => s.nodeId === 'ghl')!.output;
      expect(output.change.stage).to.deep.equal({
        pipeline: { id: pipeline.id, name: 'Sales' },
        from: { id: stage('New'), name: 'New' },
        to: { id: stage('Won'), name: 'Won' },
      });
      // The pipelines were read once (cached), with the location's own integration.
      expect(fake.calls('GET /opportunities/pipelines')).to.have.length(1);
      expect(fake.calls('GET /opportunities/pipelines')[0].headers.authorization).to.equal('Bearer pit-demo-token-1234');
    });

    it('marks the integration disconnected on AppUninstall and active again on AppInstall', async () => {
      await deliver({ type: 'UNINSTALL', locationId: 'loc_demo_1', companyId: 'company-loc_demo_1', appId: 'app_1' });
      await settled();
      let read = await server.request('GET', `/api/subaccounts/${a.sid}/integrations/${integrationA}`, { token: a.token });
      expect(read.body.status).to.equal('disconnected');
      expect(read.body.lastError).to.match(/uninstalled/);
      await deliver({ type: 'INSTALL', locationId: 'loc_demo_1', companyId: 'company-loc_demo_1', appId: 'app_1' });
      await settled();
      read = await server.request('GET', `/api/subaccounts/${a.sid}/integrations/${integrationA}`, { token: a.token });
      expect(read.body.status).to.equal('active');
      // The other location's integration is untouched.
      const listB = await server.request('GET', `/api/subaccounts/${b.sid}/integrations`, { token: b.token });
      expect(listB.body.items[0].status).to.not.equal('disconnected');
    });

    it('answers 429 with Retry-After only when it cannot store the event, and takes the retry once it can', async () => {
      const sequelize = server.app.models.GhlEvent.sequelize!;
      const event = { type: 'ContactTagUpdate', locationId: 'loc_demo_1', id: 'contact_429', tags: ['vip'], timestamp: new Date().toISOString(), webhookId: randomUUID() };
      const body = JSON.stringify(event);
      const headers = { 'content-type': 'application/json', 'x-ghl-signature': sign(null, Buffer.from(body), ed25519.privateKey).toString('base64') };
      const before = (await executionsOf(a, flows.vipA)).length;
      await sequelize.query('ALTER TABLE "ghl_events" RENAME TO "ghl_events_away"');
      let refused;
      try {
        refused = await server.request('POST', '/webhooks/gohighlevel', { raw: body, headers });
      } finally {
        await sequelize.query('ALTER TABLE "ghl_events_away" RENAME TO "ghl_events"');
      }
      expect(refused.status).to.equal(429);
      expect(refused.body.error.code).to.equal('not_stored');
      expect(Number(refused.headers.get('retry-after'))).to.be.greaterThan(0);
      // GoHighLevel sends it again: now it is stored, answered 200 and starts the flow once.
      const retried = await server.request('POST', '/webhooks/gohighlevel', { raw: body, headers });
      expect(retried.status).to.equal(200);
      await settled();
      expect(await executionsOf(a, flows.vipA)).to.have.length(before + 1);
    });

    it('refuses a trigger.ghl that listens to nothing, naming the field', async () => {
      const res = await server.request('POST', `/api/subaccounts/${a.sid}/flows`, { token: a.token, body: { name: 'x', graph: { nodes: [{ id: 't', type: 'trigger.ghl', config: {} }] } } });
      expect(res.status).to.equal(400);
      expect(JSON.stringify(res.body.error.details)).to.include('events');
    });
  });
}
