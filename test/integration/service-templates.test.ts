import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { databaseKinds } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency } from '../helpers/story.js';
import { startFakeHttp, type FakeHttpServer } from '../fakes/fake-http.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
import { startFakeFacebook, type FakeFacebook } from '../fakes/facebook/server.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/server.js';

/** A service-account key file as Google hands it out, for a key pair made here. */
function serviceAccount(email: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = {
    type: 'service_account',
    project_id: 'switchboard-test',
    private_key_id: 'a1b2c3d4e5',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    client_id: '1234567890',
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  return { json: JSON.stringify(file), publicKey };
}

describe('service templates: stripe, http, facebook-ads, google-analytics', function () {
  let stripe: FakeStripe;
  let facebook: FakeFacebook;
  let google: FakeGoogle;
  let api: FakeHttpServer;
  const saved = { ...process.env };

  before(async () => {
    [stripe, facebook, google, api] = await Promise.all([startFakeStripe(), startFakeFacebook(), startFakeGoogle(), startFakeHttp(() => ({ status: 404, body: { message: 'no such path' } }))]);
    // The templates read their base URLs from the environment at each call, as in production.
    Object.assign(process.env, { STRIPE_API_URL: stripe.url, FACEBOOK_GRAPH_URL: facebook.graphUrl, GOOGLE_TOKEN_URL: google.tokenUrl });
  });
  after(async () => {
    for (const name of ['STRIPE_API_URL', 'FACEBOOK_GRAPH_URL', 'GOOGLE_TOKEN_URL']) if (saved[name] === undefined) delete process.env[name];
    await Promise.all([stripe?.close(), facebook?.close(), google?.close(), api?.close()]);
  });

  for (const kind of databaseKinds) {
    describe(kind.name, function () {
      let server: TestServer;
      let token: string;
      let sid: string;
      const path = (p = '') => `/api/subaccounts/${sid}/integrations${p}`;

      before(async () => {
        server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
        const agency = await registerAgency(server);
        token = agency.token;
        sid = await createSubaccount(server, token);
      });
      after(async () => server?.close());

      async function connect(template: string, config: Record<string, unknown>): Promise<string> {
        const res = await server.request('POST', path(), { token, body: { template, name: `${template} connection`, config } });
        expect(res.status, res.text).to.equal(201);
        expect(res.body.status).to.equal('pending');
        return res.body.id;
      }

      /** Tests the integration and returns the verdict with the integration as it then reads. */
      async function test(id: string) {
        const verdict = await server.request('POST', path(`/${id}/test`), { token });
        expect(verdict.status).to.equal(200);
        const read = await server.request('GET', path(`/${id}`), { token });
        return { ...verdict.body, integration: read.body } as { ok: boolean; message: string; integration: { status: string; lastError: string | null; lastTestedAt: string | null; config: Record<string, unknown> } };
      }

      it('lists each template with category, description, icon, setup instructions and a schema whose secrets are marked', async () => {
        const templates = (await server.request('GET', '/api/integration-templates', { token })).body as Record<string, any>[];
        const secrets = { stripe: ['secretKey'], http: ['token', 'password', 'keyValue'], 'facebook-ads': ['accessToken'], 'google-analytics': ['serviceAccountKey'] };
        for (const [id, fields] of Object.entries(secrets)) {
          const template = templates.find((t) => t.id === id);
          expect(template, id).to.include.keys('category', 'description', 'icon', 'setupInstructions', 'configSchema');
          expect(template!.setupInstructions, id).to.match(/\n/);
          for (const field of fields) expect(template!.configSchema.properties[field].format, `${id}.${field}`).to.equal('password');
        }
      });

      describe('stripe', () => {
        it('a working secret key tests ok against /v1/balance with Bearer auth, and the integration turns active', async () => {
          stripe.keys.set('sk_test_51GoodKey000000001234', { livemode: false });
          const id = await connect('stripe', { secretKey: 'sk_test_51GoodKey000000001234' });
          const before = stripe.sent.length;
          const result = await test(id);
          expect(result).to.include({ ok: true, message: 'Connected to Stripe (test mode).' });
          expect(result.integration).to.include({ status: 'active', lastError: null });
          expect(result.integration.lastTestedAt).to.be.a('string');
          expect(result.integration.config).to.deep.equal({ secretKey: '********' });
          const call = stripe.sent[before];
          expect(call).to.include({ method: 'GET', path: '/v1/balance' });
          expect(call.headers.authorization).to.equal('Bearer sk_test_51GoodKey000000001234');
        });

        it('a revoked key tests not ok: status error, with Stripe’s reason in lastError (the key itself never shown)', async () => {
          const id = await connect('stripe', { secretKey: 'sk_live_51RevokedKey0000009876' });
          const result = await test(id);
          expect(result.ok).to.equal(false);
          expect(result.message).to.include('Stripe refused the key: Invalid API Key provided: sk_live_').and.include('9876');
          expect(result.message).to.not.include('RevokedKey');
          expect(result.integration.status).to.equal('error');
          expect(result.integration.lastError).to.equal(result.message);
        });

        it('refuses a publishable key at save time, naming the field', async () => {
          const res = await server.request('POST', path(), { token, body: { template: 'stripe', name: 'x', config: { secretKey: 'pk_test_1234567890abc' } } });
          expect(res.status).to.equal(400);
          expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['/config/secretKey']);
        });
      });

      describe('facebook-ads', () => {
        const config = (accessToken: string) => ({ accessToken, adAccountId: 'act_1234567890', pageId: '1122334455' });

        it('a valid token tests ok: the Graph API’s me answers with the user', async () => {
          facebook.tokens.set('EAAGood0000000000000000000token', { id: '10158', name: 'Ads System User' });
          const id = await connect('facebook-ads', config('EAAGood0000000000000000000token'));
          const before = facebook.sent.length;
          const result = await test(id);
          expect(result).to.include({ ok: true, message: 'Connected to Facebook as Ads System User.' });
          expect(result.integration.status).to.equal('active');
          expect(facebook.sent[before].path).to.equal('/v19.0/me');
          expect(facebook.sent[before].query.get('access_token')).to.equal('EAAGood0000000000000000000token');
        });

        it('an expired token tests not ok with Meta’s OAuthException message', async () => {
          const id = await connect('facebook-ads', config('EAAExpired00000000000000000token'));
          const result = await test(id);
          expect(result.ok).to.equal(false);
          expect(result.message).to.include('Facebook refused the access token: Invalid OAuth access token');
          expect(result.integration).to.include({ status: 'error', lastError: result.message });
        });

        it('refuses ids that are not ids, one detail each', async () => {
          const res = await server.request('POST', path(), { token, body: { template: 'facebook-ads', name: 'x', config: { accessToken: 'EAA' + 'x'.repeat(30), adAccountId: 'my account', pageId: 'page' } } });
          expect(res.status).to.equal(400);
          expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).to.deep.equal(['/config/adAccountId', '/config/pageId']);
        });
      });

      describe('google-analytics', () => {
        it('a service-account key tests ok: the signed JWT is exchanged for a token', async () => {
          const account = serviceAccount(`reporter-${kind.name}@switchboard-test.iam.gserviceaccount.com`);
          google.accounts.set(`reporter-${kind.name}@switchboard-test.iam.gserviceaccount.com`, account.publicKey);
          const id = await connect('google-analytics', { serviceAccountKey: account.json, propertyId: '321654987' });
          const result = await test(id);
          expect(result.ok, result.message).to.equal(true);
          expect(result.integration.status).to.equal('active');
          expect(google.issued.at(-1)).to.include({ email: `reporter-${kind.name}@switchboard-test.iam.gserviceaccount.com`, scope: 'https://www.googleapis.com/auth/analytics.readonly' });
        });

        it('a key Google no longer has (another key pair) gets invalid_grant: status error', async () => {
          const email = `rotated-${kind.name}@switchboard-test.iam.gserviceaccount.com`;
          google.accounts.set(email, serviceAccount(email).publicKey);
          const stale = serviceAccount(email);
          const id = await connect('google-analytics', { serviceAccountKey: stale.json, propertyId: '321654987' });
          const result = await test(id);
          expect(result.ok).to.equal(false);
          expect(result.message).to.include('Google refused the service-account key: Invalid JWT Signature.');
          expect(result.integration).to.include({ status: 'error', lastError: result.message });
        });

        it('a pasted file that is not a service-account key fails the test with what to do, not a crash', async () => {
          const id = await connect('google-analytics', { serviceAccountKey: JSON.stringify({ type: 'authorized_user', client_id: 'x'.repeat(120) }), propertyId: '1' });
          const result = await test(id);
          expect(result).to.include({ ok: false });
          expect(result.message).to.include('not a service-account key');
          const notJson = await connect('google-analytics', { serviceAccountKey: 'x'.repeat(150), propertyId: '1' });
          expect((await test(notJson)).message).to.include('not JSON');
        });
      });

      describe('http', () => {
        before(() => {
          api.route('GET', '/v1/me', (request) => {
            const auth = request.headers.authorization;
            const ok =
              auth === 'Bearer good-token' ||
              auth === `Basic ${Buffer.from('ann:good-password').toString('base64')}` ||
              request.headers['x-api-key'] === 'good-key' ||
              request.query.get('api_key') === 'good-key';
            return ok ? { status: 200, body: { id: 'me' } } : { status: 401, body: { message: 'unauthorized' } };
          });
        });
        const base = () => `${api.url}/v1`;

        for (const [authType, good, bad] of [
          ['bearer', { token: 'good-token' }, { token: 'bad-token' }],
          ['basic', { username: 'ann', password: 'good-password' }, { username: 'ann', password: 'wrong' }],
          ['header', { keyName: 'X-Api-Key', keyValue: 'good-key' }, { keyName: 'X-Api-Key', keyValue: 'bad-key' }],
          ['query', { keyName: 'api_key', keyValue: 'good-key' }, { keyName: 'api_key', keyValue: 'bad-key' }],
        ] as const) {
          it(`${authType} auth: good credentials test ok at the test path, bad ones are refused`, async () => {
            const goodId = await connect('http', { baseUrl: base(), authType, testPath: '/me', ...good });
            expect(await test(goodId)).to.include({ ok: true });
            const badId = await connect('http', { baseUrl: base(), authType, testPath: '/me', ...bad });
            const result = await test(badId);
            expect(result.ok).to.equal(false);
            expect(result.message).to.include('refused the credentials (401)');
            expect(result.message, 'a query key is not echoed').to.not.include('bad-key');
            expect(result.integration).to.include({ status: 'error' });
          });
        }

        it('names each field an auth type needs, one detail each', async () => {
          const res = await server.request('POST', path(), { token, body: { template: 'http', name: 'x', config: { baseUrl: base(), authType: 'header' } } });
          expect(res.status).to.equal(400);
          expect(res.body.error.details).to.deep.equal([
            { path: '/config/keyName', message: 'is required' },
            { path: '/config/keyValue', message: 'is required' },
          ]);
        });

        it('an address that does not answer fails the test with the reason', async () => {
          const id = await connect('http', { baseUrl: 'http://127.0.0.1:9/v1', authType: 'none' });
          const result = await test(id);
          expect(result.ok).to.equal(false);
          expect(result.message).to.include('Could not reach 127.0.0.1:9');
        });
      });
    });
  }
});
