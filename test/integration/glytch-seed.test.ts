import { expect } from 'chai';
import { runSeeds } from '../../server/db/seed.js';
import { DEMO } from '../../server/db/seed-demo.js';
import { CAMPAIGN_PLACEHOLDER } from '../../seeds/glytch-bridge.js';
import { databaseKinds } from '../helpers/databases.js';
import { demoWorkspace } from '../helpers/demo.js';
import { activate, type Graph, type Workspace } from '../helpers/flows.js';
import { integrationOf } from '../helpers/ghl.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { FakeGhl } from '../fakes/ghl/server.js';
import { startFakeOpenAi, type FakeOpenAi } from '../fakes/openai/server.js';

const TOKEN = 'pit-glytch-seed-0001';
const LOCATION = 'locGlytch01';
const API_KEY = 'sk-glytch-demo-key-0001';

const classified = (label: string) => ({ content: JSON.stringify({ label }) });

for (const kind of databaseKinds) {
  describe(`the seeded GLYTCH automation bridge (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let ghl: FakeGhl;
    let openai: FakeOpenAi;
    let ws: Workspace;
    let hook: string;

    /** A chat message as the chat widget posts it; the answer is what the chatter sees. */
    const chat = (body: unknown) => server.request('POST', hook, { body });
    /** The user message of the last chat completion the fake was asked for. */
    const lastPrompt = () => openai.chats.at(-1)!.messages.find((m) => m.role === 'user')!.content;

    before(async () => {
      ghl = await FakeGhl.start({ locationId: LOCATION, token: TOKEN });
      openai = await startFakeOpenAi({ keys: [API_KEY] });
      process.env.GHL_API_URL = ghl.url;
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
    });
    after(async () => {
      delete process.env.GHL_API_URL;
      await server?.close();
      await ghl?.close();
      await openai?.close();
    });
    afterEach(() => expect(openai.pending(), 'every scripted model answer was asked for').to.equal(0));

    it('is loaded on first start beside the lead-processing example: inactive, with pending GoHighLevel and OpenAI placeholders', async () => {
      expect(await runSeeds(server.app.models)).to.deep.equal(['demo sub-account with the lead-processing flow', 'the GLYTCH automation bridge flow']);
      expect(await runSeeds(server.app.models)).to.deep.equal([], 'a second start adds nothing');
      ws = await demoWorkspace(server);

      const flow = await server.request('GET', `/api/subaccounts/${ws.sid}/flows/${DEMO.glytchFlowId}`, { token: ws.token });
      expect(flow.status).to.equal(200);
      expect(flow.body).to.include({ name: 'GLYTCH automation bridge (example)', active: false });
      const types = flow.body.graph.nodes.map((n: { type: string }) => n.type);
      expect(types).to.include.members(['trigger.webhook', 'ai.classify', 'ghl.contact.upsert', 'ghl.message.send', 'ghl.opportunity.create', 'ghl.contact.addToCampaign', 'ai.chat', 'webhook.respond']);
      hook = new URL(flow.body.triggers[0].url).pathname;

      const openaiPlaceholder = await integrationOf(ws, DEMO.openaiIntegrationId);
      expect(openaiPlaceholder.status).to.equal('pending');
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${DEMO.openaiIntegrationId}/test`, { token: ws.token });
      expect(test.body.ok).to.equal(false, 'the placeholder has no key yet');
      expect((await integrationOf(ws, DEMO.integrationId)).status).to.not.equal('active');
    });

    it('once connected and activated, an add-to-campaign request before a campaign is chosen still gets a reply, saying it could not be done', async () => {
      const connectGhl = await server.request('PATCH', `/api/subaccounts/${ws.sid}/integrations/${DEMO.integrationId}`, { token: ws.token, body: { config: { authType: 'token', token: TOKEN, locationId: LOCATION } } });
      expect(connectGhl.status, connectGhl.text).to.equal(200);
      const connectAi = await server.request('PATCH', `/api/subaccounts/${ws.sid}/integrations/${DEMO.openaiIntegrationId}`, { token: ws.token, body: { config: { baseUrl: openai.baseUrl, apiKey: API_KEY, model: 'gpt-4o-mini' } } });
      expect(connectAi.status, connectAi.text).to.equal(200);
      await activate(ws, DEMO.glytchFlowId);

      openai.script(classified('add_to_campaign'), { content: 'Sorry, I could not sign you up just now; someone from our team will get back to you.' });
      const res = await chat({ email: 'early@example.com', message: 'Sign me up for your offers please' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.equal({ reply: 'Sorry, I could not sign you up just now; someone from our team will get back to you.', request: 'add_to_campaign' });
      expect(lastPrompt()).to.match(/Outcome: could not be done \(GoHighLevel found nothing/);
      expect(ghl.state.campaignEnrolments).to.have.length(0);
      expect((await integrationOf(ws, DEMO.integrationId)).status).to.not.equal('error', 'a missing campaign is no fault of the integration');
    });

    it('with the campaign chosen, each request is done on GoHighLevel and answered with the model’s reply', async () => {
      // The user picks the campaign from the integration's list in the editor and saves the flow.
      const campaigns = await server.request('GET', `/api/subaccounts/${ws.sid}/integrations/${DEMO.integrationId}/options/campaigns`, { token: ws.token });
      expect(campaigns.status, campaigns.text).to.equal(200);
      const spring = (campaigns.body as { value: string; label: string }[]).find((c) => c.label === 'Spring offer')!;
      const flow = await server.request('GET', `/api/subaccounts/${ws.sid}/flows/${DEMO.glytchFlowId}`, { token: ws.token });
      const graph = flow.body.graph as Graph;
      const campaignNode = graph.nodes.find((n) => n.type === 'ghl.contact.addToCampaign')!;
      expect(campaignNode.config!.campaignId).to.equal(CAMPAIGN_PLACEHOLDER);
      campaignNode.config!.campaignId = spring.value;
      const saved = await server.request('PUT', `/api/subaccounts/${ws.sid}/flows/${DEMO.glytchFlowId}`, { token: ws.token, body: { graph } });
      expect(saved.status, saved.text).to.equal(200);
      expect(new URL(saved.body.triggers[0].url).pathname).to.equal(hook, 'the chat widget keeps its URL');

      // send_email: the model drafts the email, GoHighLevel sends it to the contact.
      openai.script(classified('send_email'), { content: '{"subject": "Our price list", "body": "Hi Ana, here are our prices."}' }, { content: 'Done! I have emailed you our price list, Ana.' });
      const email = await chat({ email: 'ana@example.com', name: 'Ana Diaz', message: 'Can you email me your price list?' });
      expect(email.status, email.text).to.equal(200);
      expect(email.body).to.deep.equal({ reply: 'Done! I have emailed you our price list, Ana.', request: 'send_email' });
      const ana = ghl.state.findDuplicate(LOCATION, 'ana@example.com')!;
      expect(ana).to.include({ source: 'GLYTCH chat' });
      expect(ghl.state.messages).to.have.length(1);
      expect(ghl.state.messages[0]).to.include({ type: 'Email', contactId: ana.id, subject: 'Our price list', message: 'Hi Ana, here are our prices.' });
      expect(openai.chats.at(-3)!.messages.at(-1)!.content).to.equal('Can you email me your price list?', 'the classifier saw the chat message');
      expect(lastPrompt()).to.include('Request: send_email').and.include('Outcome: done');

      // create_opportunity: an open opportunity in the Sales pipeline's first stage.
      openai.script(classified('create_opportunity'), { content: 'Great, our sales team will contact you about the premium package.' });
      const deal = await chat({ email: 'ben@example.com', message: 'I would like to buy the premium package' });
      expect(deal.status, deal.text).to.equal(200);
      expect(deal.body).to.deep.equal({ reply: 'Great, our sales team will contact you about the premium package.', request: 'create_opportunity' });
      const ben = ghl.state.findDuplicate(LOCATION, 'ben@example.com')!;
      const sales = ghl.location(LOCATION).pipelines[0]!;
      const opportunities = [...ghl.state.opportunities.values()];
      expect(opportunities).to.have.length(1);
      expect(opportunities[0]).to.include({ contactId: ben.id, pipelineId: sales.id, pipelineStageId: sales.stages[0]!.id, status: 'open', name: 'ben@example.com: chat request' });

      // add_to_campaign: the contact is enrolled in the chosen campaign.
      openai.script(classified('add_to_campaign'), { content: 'You are on the list for our spring offer!' });
      const signup = await chat({ email: 'carla@example.com', message: 'Please add me to your offers' });
      expect(signup.status, signup.text).to.equal(200);
      expect(signup.body).to.deep.equal({ reply: 'You are on the list for our spring offer!', request: 'add_to_campaign' });
      const carla = ghl.state.findDuplicate(LOCATION, 'carla@example.com')!;
      expect(ghl.state.campaignEnrolments).to.deep.equal([{ contactId: carla.id, campaignId: spring.value }]);
      expect(ghl.state.messages).to.have.length(1, 'no other branch ran');
      expect(ghl.state.opportunities.size).to.equal(1, 'no other branch ran');
    });

    it('a message that asks for none of them is answered without acting on GoHighLevel', async () => {
      const before = ghl.requests.length;
      const chats = openai.chats.length;
      openai.script(classified('other'), { content: 'We are open from 9 to 5, Monday to Friday.' });
      const res = await chat({ email: 'dora@example.com', message: 'When are you open?' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.equal({ reply: 'We are open from 9 to 5, Monday to Friday.', request: 'other' });
      expect(ghl.requests.length).to.equal(before, 'nothing reached GoHighLevel');
      expect(ghl.state.findDuplicate(LOCATION, 'dora@example.com')).to.equal(undefined);
      expect(openai.chats.length).to.equal(chats + 2, 'one classification and one reply');
      expect(lastPrompt()).to.include('Outcome: nothing to do');
    });

    it('a chat message without a usable email or text is refused with 400 naming each problem, before any model or GoHighLevel call', async () => {
      const ghlCalls = ghl.requests.length;
      const chats = openai.chats.length;
      const noEmail = await chat({ message: 'hello' });
      expect(noEmail.status).to.equal(400);
      expect(noEmail.body.error).to.include({ code: 'invalid_chat_message' });
      expect(noEmail.body.error.message).to.match(/email.*message/);
      expect(noEmail.body.error.details).to.deep.equal([{ path: '/email', message: 'an email address is required' }]);

      const wrongTypes = await chat({ email: 42, message: { text: 'hi' } });
      expect(wrongTypes.status).to.equal(400);
      expect(wrongTypes.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['/email', '/message']);

      const blank = await chat({ email: 'eve@example.com', message: '   ' });
      expect(blank.status).to.equal(400);
      expect(blank.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['/message']);

      const notJson = await server.request('POST', hook, { raw: 'just some text', headers: { 'content-type': 'text/plain' } });
      expect(notJson.status).to.equal(400);

      expect(ghl.requests.length).to.equal(ghlCalls);
      expect(openai.chats.length).to.equal(chats);
      const health = await server.request('GET', '/health');
      expect(health.status).to.equal(200);
    });
  });
}
