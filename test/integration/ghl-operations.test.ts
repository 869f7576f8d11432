import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, stepOf, type Graph, type Workspace, workspace } from '../helpers/flows.js';
import { connectGhl } from '../helpers/ghl.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { FakeGhl } from '../fakes/ghl/server.js';

const TOKEN = 'pit-operations-0001';
const LOCATION = 'locOps01';

for (const kind of databaseKinds) {
  describe(`GoHighLevel contacts, opportunities, appointments and messages (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let fake: FakeGhl;
    let ws: Workspace;
    let integrationId: string;
    let contactId: string;

    before(async () => {
      fake = await FakeGhl.start({ locationId: LOCATION, token: TOKEN });
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
      ws = await workspace(server);
      // The integration's own API URL, the other way to point at another host than GHL_API_URL.
      integrationId = await connectGhl(ws, { token: TOKEN, locationId: LOCATION, calendarId: fake.location(LOCATION).calendars[0]!.id, apiUrl: fake.url });
    });
    after(async () => {
      await server?.close();
      await fake?.close();
    });

    /** Runs one GoHighLevel node (its config gets the integration) and returns its step. */
    const step = async (type: string, config: Record<string, unknown>, input: unknown = {}) => {
      const nodes: Graph['nodes'] = [{ id: 't', type: 'trigger.manual' }, { id: 'n', type, config: { integrationId, ...config } }];
      const execution = await runAndWait(ws, (await createFlow(ws, { nodes, edges: [{ source: 't', target: 'n' }] })).id, input);
      return stepOf(execution, 'n');
    };
    const ok = async (type: string, config: Record<string, unknown>) => {
      const s = await step(type, config);
      expect(s.status, JSON.stringify(s.error)).to.equal('succeeded');
      return s.output;
    };

    it('finds, reads, updates, tags, notes, enrols and deletes a contact', async () => {
      const created = await ok('ghl.contact.upsert', { email: 'lee@example.com', firstName: 'Lee', tags: ['lead'] });
      contactId = created.contact.id;
      expect(await ok('ghl.contact.find', { email: 'LEE@example.com' })).to.deep.include({ found: true });
      expect(await ok('ghl.contact.find', { phone: '+15559999999' })).to.deep.equal({ found: false, contact: null, fields: {} });

      const updated = await ok('ghl.contact.update', { contactId, lastName: 'Park', customFields: { 'contact.pincode': '10115' } });
      expect(updated.contact).to.include({ firstName: 'Lee', lastName: 'Park' });
      expect(updated.fields).to.deep.equal({ pincode: '10115' });
      expect(fake.calls(`PUT /contacts/${contactId}`).at(-1)!.body).to.not.have.property('locationId');
      expect((await ok('ghl.contact.get', { contactId })).contact.lastName).to.equal('Park');

      expect((await ok('ghl.contact.addTags', { contactId, tags: ['vip', 'lead'] })).tags).to.deep.equal(['lead', 'vip']);
      expect((await ok('ghl.contact.removeTags', { contactId, tags: ['lead'] })).tags).to.deep.equal(['vip']);

      const note = await ok('ghl.contact.addNote', { contactId, body: 'Called, wants a quote.' });
      expect(note.note).to.include({ contactId, body: 'Called, wants a quote.' });

      const location = fake.location(LOCATION);
      await ok('ghl.contact.addToWorkflow', { contactId, workflowId: location.workflows[0]!.id, eventStartTime: '2030-01-01T09:00:00Z' });
      await ok('ghl.contact.addToCampaign', { contactId, campaignId: location.campaigns[0]!.id });
      expect(fake.state.workflowEnrolments).to.deep.equal([{ contactId, workflowId: location.workflows[0]!.id, eventStartTime: '2030-01-01T09:00:00Z' }]);
      expect(fake.state.campaignEnrolments).to.deep.equal([{ contactId, campaignId: location.campaigns[0]!.id }]);

      const other = (await ok('ghl.contact.upsert', { phone: '+15550002222' })).contact.id;
      expect(await ok('ghl.contact.delete', { contactId: other })).to.deep.equal({ deleted: true, contactId: other });
      expect(fake.state.contacts.has(other)).to.equal(false);
    });

    it('opens, moves by stage name, updates, closes and finds opportunities', async () => {
      const sales = fake.location(LOCATION).pipelines[0]!;
      const opened = await ok('ghl.opportunity.create', { contactId, pipelineId: sales.id, name: 'Lee: implants', monetaryValue: 4000, customFields: { deal_source: 'web' } });
      const id = opened.opportunity.id;
      expect(opened.opportunity).to.include({ pipelineStageId: sales.stages[0]!.id, status: 'open' });
      expect(opened.fields).to.deep.equal({ deal_source: 'web' });

      const moved = await ok('ghl.opportunity.updateStage', { opportunityId: id, pipelineName: 'sales', stageName: 'Won' });
      expect(moved.opportunity.pipelineStageId).to.equal(sales.stages[2]!.id);
      expect(moved.stageName).to.equal('Won');

      await ok('ghl.opportunity.update', { opportunityId: id, monetaryValue: 4500, name: 'Lee: implants (2)' });
      expect(fake.state.opportunities.get(id)).to.include({ monetaryValue: 4500, name: 'Lee: implants (2)' });
      expect(await ok('ghl.opportunity.updateStatus', { opportunityId: id, status: 'won' })).to.deep.equal({ opportunityId: id, status: 'won' });
      expect(fake.state.opportunities.get(id)!.status).to.equal('won');

      const found = await ok('ghl.opportunity.find', { contactId, pipelineName: 'Sales', stageName: 'Won', status: 'won' });
      expect(found.total).to.equal(1);
      expect(found.first.id).to.equal(id);
      expect(fake.calls('GET /opportunities/search').at(-1)!.query).to.deep.include({ location_id: LOCATION, contact_id: contactId, pipeline_id: sales.id, pipeline_stage_id: sales.stages[2]!.id, status: 'won' });
      expect((await ok('ghl.opportunity.find', { contactId, status: 'lost' })).first).to.equal(null);
    });

    it('names the stages a pipeline has when a stage name is not one of them', async () => {
      const s = await step('ghl.opportunity.updateStage', { opportunityId: 'abc123', pipelineName: 'Sales', stageName: 'Closed' });
      expect(s.error!.message).to.equal('This GoHighLevel location has no stage "Closed" in the pipeline "Sales"; its stages are: New, Qualified, Won.');
    });

    it('books an appointment in the integration\'s calendar with the calendars Version', async () => {
      const booked = await ok('ghl.appointment.create', { contactId, startTime: '2030-02-01T10:00:00Z', endTime: '2030-02-01T10:30:00Z', title: 'Consultation' });
      expect(booked.appointment).to.include({ calendarId: fake.location(LOCATION).calendars[0]!.id, contactId, title: 'Consultation', locationId: LOCATION });
      expect(fake.calls('POST /calendars/events/appointments')[0]!.headers.version).to.equal('2021-04-15');
    });

    it('sends an SMS and an email, and refuses an email without a subject at save', async () => {
      await ok('ghl.contact.update', { contactId, phone: '+15550003333' });
      const sms = await ok('ghl.message.send', { contactId, type: 'SMS', message: 'See you tomorrow!' });
      expect(sms).to.have.keys('conversationId', 'messageId');
      const email = await ok('ghl.message.send', { contactId, type: 'Email', subject: 'Your quote', html: '<p>Attached.</p>' });
      expect(email).to.have.keys('conversationId', 'messageId', 'emailMessageId');
      const sent = fake.calls('POST /conversations/messages');
      expect(sent.map((r) => r.body)).to.deep.equal([
        { contactId, type: 'SMS', message: 'See you tomorrow!' },
        { contactId, type: 'Email', subject: 'Your quote', html: '<p>Attached.</p>' },
      ]);
      expect(sent[0]!.headers.version).to.equal('2021-04-15');

      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: { name: 'bad', graph: { nodes: [{ id: 'm', type: 'ghl.message.send', config: { integrationId, contactId, type: 'Email', message: 'no subject' } }] } },
      });
      expect(res.status).to.equal(400);
      expect(JSON.stringify(res.body.error.details)).to.include('subject');
    });

    it('refuses an id that is not one, before anything is sent', async () => {
      const before = fake.requests.length;
      const s = await step('ghl.contact.get', { contactId: '../../locations/locOps01' });
      expect(s.status).to.equal('failed');
      expect(s.error!.message).to.equal('The contact id "../../locations/locOps01" is not a GoHighLevel id (letters, digits, - and _).');
      expect(fake.requests.length).to.equal(before);
    });

    it('refuses a contact or opportunity update that changes nothing, and sends no update', async () => {
      const before = fake.requests.length;
      for (const [type, config] of [['ghl.contact.update', { contactId }], ['ghl.opportunity.update', { opportunityId: 'opp-unchanged' }]] as const) {
        const s = await step(type, config);
        expect(s.status).to.equal('failed');
        expect(s.error).to.include({ message: 'Nothing to update: give at least one field.', code: 'ghl_nothing_to_update' });
      }
      expect(fake.requests.length).to.equal(before);
    });

    it('refuses at save a node without its integration', async () => {
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: { name: 'bad', graph: { nodes: [{ id: 'g', type: 'ghl.contact.get', config: { contactId: 'abc' } }] } },
      });
      expect(res.status).to.equal(400);
      expect(JSON.stringify(res.body.error.details)).to.include('integrationId');
    });

    it('reports a 500 as retryable and gives up after the node\'s attempts', async () => {
      fake.failNext(`GET /contacts/${contactId}`, 500, 2);
      const nodes: Graph['nodes'] = [{ id: 't', type: 'trigger.manual' }, { id: 'n', type: 'ghl.contact.get', config: { integrationId, contactId }, retry: { maxAttempts: 2, backoff: { initialMs: 10, factor: 1, maxMs: 10 } } }];
      const execution = await runAndWait(ws, (await createFlow(ws, { nodes, edges: [{ source: 't', target: 'n' }] })).id);
      const s = stepOf(execution, 'n');
      expect(s.status).to.equal('failed');
      expect(s.attempt).to.equal(2);
      expect(s.error).to.include({ retryable: true, message: 'GoHighLevel answered 500 to reading the contact: Internal Server Error' });
    });
  });
}
