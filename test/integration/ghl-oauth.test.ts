import { expect } from 'chai';
import { fakeOAuth, type FakeOAuthApp } from '../fakes/ghl/oauth.js';
import { FakeGhl } from '../fakes/ghl/server.js';
import { ghlId } from '../fakes/ghl/state.js';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser, createSubaccount, registerAgency } from '../helpers/story.js';

const START = (sid: string) => `/api/subaccounts/${sid}/integrations/oauth/gohighlevel/start`;

for (const kind of databaseKinds) {
  describe(`GoHighLevel OAuth (${kind.name})`, function () {
    this.timeout(60_000);
    let fake: FakeGhl;
    let oauth: FakeOAuthApp;
    let first: TestServer;
    let second: TestServer;
    let owner: string;
    let ws: Workspace;
    let contactId: string;
    const saved: Record<string, string | undefined> = {};

    /** Start → consent → callback, as a browser goes through them; answers the callback. */
    async function connect(query = ''): Promise<{ status: number; body: any }> {
      const start = await fetch(first.url + START(ws.sid) + query, { headers: { authorization: `Bearer ${owner}` }, redirect: 'manual' });
      expect(start.status, await start.clone().text()).to.equal(302);
      const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      expect(consent.status).to.equal(302);
      // PUBLIC_URL names the server; the test's server listens on a port chosen at start.
      const back = new URL(consent.headers.get('location')!);
      const callback = await first.request('GET', back.pathname + back.search);
      return { status: callback.status, body: callback.body };
    }

    async function stored(id: string): Promise<Record<string, unknown>> {
      const { IntegrationAccess } = await import('../../server/integrations/access.js');
      return (await new IntegrationAccess(first.app.models, first.app.config.encryptionKey).open(ws.sid, id, 'gohighlevel')).credentials;
    }

    async function contactFlow(server: TestServer, integrationId: string): Promise<string> {
      const flow = await createFlow({ ...ws, server }, { nodes: [{ id: 'start', type: 'trigger.manual' }, { id: 'get', type: 'ghl.contact.get', config: { integrationId, contactId } }], edges: [{ source: 'start', target: 'get' }] }, `Read contact ${integrationId.slice(-4)}`);
      return flow.id;
    }

    before(async () => {
      fake = await FakeGhl.start();
      oauth = fakeOAuth(fake.state);
      contactId = ghlId();
      const at = new Date().toISOString();
      fake.state.contacts.set(contactId, { id: contactId, locationId: 'loc_demo_1', email: 'ann@example.com', tags: [], customFields: [], dateAdded: at, dateUpdated: at });
      const env = {
        GHL_API_URL: fake.url,
        GHL_OAUTH_URL: `${fake.url}/oauth/chooselocation`,
        GHL_CLIENT_ID: oauth.clientId,
        GHL_CLIENT_SECRET: oauth.clientSecret,
        ALLOW_PRIVATE_NETWORK: 'true',
      };
      // Token sources and the GoHighLevel client read these where a step runs, as in production.
      for (const [name, value] of Object.entries(env)) {
        saved[name] = process.env[name];
        process.env[name] = value;
      }
      first = await startServer(kind, env);
      // A second process of the same installation: same database, same encryption key.
      second = await startServer(kind, env, first);
      const agency = await registerAgency(first);
      owner = agency.token;
      ws = { server: first, token: owner, sid: await createSubaccount(first, owner, 'Dental A') };
    });
    after(async () => {
      await second?.close();
      await first?.close();
      await fake?.close();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('connects through the consent page, stores the tokens sealed, calls GoHighLevel, and refreshes expired tokens once while two processes race', async () => {
      const start = await first.request('GET', START(ws.sid) + '?format=json&name=Dental%20GHL', { token: owner });
      expect(start.status).to.equal(200);
      const consentUrl = new URL(start.body.url);
      expect(consentUrl.origin + consentUrl.pathname).to.equal(`${fake.url}/oauth/chooselocation`);
      expect(consentUrl.searchParams.get('client_id')).to.equal(oauth.clientId);
      expect(consentUrl.searchParams.get('redirect_uri')).to.match(/\/api\/integrations\/oauth\/gohighlevel\/callback$/);
      expect(consentUrl.searchParams.get('scope')).to.include('contacts.write');
      expect(consentUrl.searchParams.get('state')).to.have.length.greaterThan(30);

      const connected = await connect('?name=Dental%20GHL');
      expect(connected.status).to.equal(200);
      expect(connected.body).to.include({ name: 'Dental GHL', template: 'gohighlevel', status: 'active', subaccountId: ws.sid });
      expect(connected.body.config).to.include({ authType: 'oauth', locationId: 'loc_demo_1', accessToken: '********', refreshToken: '********', userType: 'Location' });
      expect(connected.body.config, 'no mask for the token an OAuth connection never set').to.not.have.property('token');
      const templates = await first.request('GET', '/api/integration-templates', { token: owner });
      const ghl = templates.body.find((t: { id: string }) => t.id === 'gohighlevel');
      expect(ghl.oauth).to.deep.equal({ startPath: '/api/subaccounts/{sid}/integrations/oauth/gohighlevel/start' });
      expect(ghl.options).to.include.members(['pipelines', 'calendars']);
      const id = connected.body.id as string;
      const row = await first.app.models.Integration.findByPk(id);
      const issued = await stored(id);
      expect(JSON.stringify(row!.toJSON())).to.not.include(String(issued.accessToken));
      expect(JSON.stringify(row!.toJSON())).to.not.include(String(issued.refreshToken));

      // A ghl.* node calls GoHighLevel with the access token.
      const flowA = await contactFlow(first, id);
      const flowB = await contactFlow(second, id);
      const read = await runAndWait(ws, flowA);
      expect(read.status, JSON.stringify(read.steps)).to.equal('succeeded');
      expect(fake.calls(`GET /contacts/${contactId}`).at(-1)!.headers.authorization).to.equal(`Bearer ${issued.accessToken}`);
      expect(oauth.refreshes()).to.have.length(0);

      // The token expires: both processes run a flow at once; exactly one refresh reaches GoHighLevel.
      fake.revoke(String(issued.accessToken));
      // (The API shows every secret field masked, `token` too though this integration has none: it is left out.)
      const { token: _none, ...shown } = connected.body.config;
      const patched = await first.request('PATCH', `/api/subaccounts/${ws.sid}/integrations/${id}`, {
        token: owner,
        body: { config: { ...shown, expiresAt: new Date(Date.now() - 60_000).toISOString() } },
      });
      expect(patched.status, patched.text).to.equal(200);
      // GoHighLevel answers the refresh slowly, so both steps hold the expired token before either refresh lands.
      oauth.tokenDelayMs = 500;
      const [onFirst, onSecond] = await Promise.all([runAndWait(ws, flowA), runAndWait({ ...ws, server: second }, flowB)]);
      oauth.tokenDelayMs = 0;
      expect(onFirst.status, JSON.stringify(onFirst.steps)).to.equal('succeeded');
      expect(onSecond.status, JSON.stringify(onSecond.steps)).to.equal('succeeded');
      expect(oauth.refreshes()).to.have.length(1);
      expect(oauth.refreshes()[0]).to.include({ refreshToken: issued.refreshToken, status: 200 });
      const rotated = await stored(id);
      expect(rotated.refreshToken).to.not.equal(issued.refreshToken);
      expect(oauth.refreshTokens.get(String(rotated.refreshToken))).to.include({ used: false });
      expect(Date.parse(String(rotated.expiresAt))).to.be.greaterThan(Date.now() + 3600_000);

      // A 401 on a token that has not expired (revoked at GoHighLevel): one refresh, then the call succeeds.
      fake.revoke(String(rotated.accessToken));
      const after401 = await runAndWait({ ...ws, server: second }, flowB);
      expect(after401.status, JSON.stringify(after401.steps)).to.equal('succeeded');
      expect(oauth.refreshes()).to.have.length(2);
      expect((await stored(id)).refreshToken).to.not.equal(rotated.refreshToken);

      // GoHighLevel refuses the refresh token (spent elsewhere, or the app uninstalled): the integration shows an error to act on.
      const current = await stored(id);
      fake.revoke(String(current.accessToken));
      oauth.refreshTokens.get(String(current.refreshToken))!.used = true;
      const refused = await runAndWait(ws, flowA);
      expect(refused.status).to.equal('failed');
      const integration = await first.request('GET', `/api/subaccounts/${ws.sid}/integrations/${id}`, { token: owner });
      expect(integration.body.status).to.equal('error');
      expect(integration.body.lastError).to.match(/connect GoHighLevel again/);

      // Connecting the same location again keeps the integration (flows naming it keep working) and makes it active.
      const again = await connect();
      expect(again.status).to.equal(200);
      expect(again.body.id).to.equal(id);
      expect(again.body.status).to.equal('active');
      expect((await runAndWait(ws, flowA)).status).to.equal('succeeded');
    });

    it('connects an agency (Company) install to a location, minting a location token once and reusing it', async () => {
      oauth.consent = { userType: 'Company', companyId: fake.location().companyId };
      try {
        const refused = await connect();
        expect(refused.status).to.equal(400);
        expect(refused.body.error.code).to.equal('location_required');
        const connected = await connect('?locationId=loc_demo_1&name=Agency');
        expect(connected.status, JSON.stringify(connected.body)).to.equal(200);
        expect(connected.body.config).to.include({ userType: 'Company', companyId: fake.location().companyId, locationId: 'loc_demo_1' });
        const flow = await contactFlow(first, connected.body.id);
        const mintsBefore = oauth.grants.filter((g) => g.path === '/oauth/locationToken').length;
        expect((await runAndWait(ws, flow)).status).to.equal('succeeded');
        expect((await runAndWait(ws, flow)).status).to.equal('succeeded');
        const mints = oauth.grants.filter((g) => g.path === '/oauth/locationToken');
        expect(mints.length - mintsBefore).to.equal(1);
        const call = fake.calls(`GET /contacts/${contactId}`).at(-1)!;
        expect(String(call.headers.authorization)).to.match(/^Bearer lt-/);
      } finally {
        oauth.consent = { userType: 'Location', locationId: 'loc_demo_1' };
      }
    });

    it('refuses an unknown, reused or expired state, a denied consent, and viewers', async () => {
      const start = await first.request('GET', START(ws.sid) + '?format=json', { token: owner });
      const state = new URL(start.body.url).searchParams.get('state')!;
      const consent = await fetch(start.body.url, { redirect: 'manual' });
      const back = new URL(consent.headers.get('location')!);
      expect((await first.request('GET', back.pathname + back.search)).status).to.equal(200);
      const reused = await first.request('GET', back.pathname + back.search);
      expect(reused.status).to.equal(400);
      expect(reused.body.error.code).to.equal('invalid_oauth_state');
      expect(reused.body.error.message).to.match(/already used/);

      const unknown = await first.request('GET', `/api/integrations/oauth/gohighlevel/callback?code=x&state=${'a'.repeat(43)}`);
      expect(unknown.status).to.equal(400);
      const missing = await first.request('GET', '/api/integrations/oauth/gohighlevel/callback?code=x');
      expect(missing.status).to.equal(400);
      expect(missing.body.error.details[0].path).to.equal('/state');

      const late = await first.request('GET', START(ws.sid) + '?format=json', { token: owner });
      await first.app.models.OAuthState.update({ expiresAt: new Date(Date.now() - 1000) }, { where: {} });
      const expired = await first.request('GET', `/api/integrations/oauth/gohighlevel/callback?code=x&state=${new URL(late.body.url).searchParams.get('state')}`);
      expect(expired.status).to.equal(400);
      expect(expired.body.error.code).to.equal('expired_oauth_state');

      const denied = await first.request('GET', START(ws.sid) + '?format=json', { token: owner });
      const deniedAnswer = await first.request('GET', `/api/integrations/oauth/gohighlevel/callback?error=access_denied&state=${new URL(denied.body.url).searchParams.get('state')}`);
      expect(deniedAnswer.status).to.equal(400);
      expect(deniedAnswer.body.error.code).to.equal('oauth_denied');
      expect(state).to.be.a('string');

      const viewer = await addUser(first, owner, 'viewer', [ws.sid]);
      expect((await first.request('GET', START(ws.sid), { token: viewer })).status).to.equal(403);
      expect((await first.request('GET', START(ws.sid))).status).to.equal(401);
    });
  });
}
