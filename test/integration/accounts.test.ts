import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { registerAgency, uniqueEmail } from '../helpers/story.js';

for (const kind of databaseKinds) {
  describe(`accounts and sessions (${kind.name})`, function () {
    let server: TestServer;
    before(async () => (server = await startServer(kind)));
    after(async () => server?.close());

    it('registers an agency whose first user is its owner, and signs in', async () => {
      const email = uniqueEmail();
      const res = await server.request('POST', '/api/auth/register', {
        body: { email, password: 'long enough', agencyName: 'Bright Leads', name: 'Dana' },
      });
      expect(res.status).to.equal(201);
      expect(res.body.user).to.include({ email, role: 'owner', name: 'Dana' });
      expect(res.body.agency).to.include({ name: 'Bright Leads' });
      expect(res.body.token).to.be.a('string');
      expect(res.body.user).to.not.have.property('passwordHash');

      const me = await server.request('GET', '/api/auth/me', { token: res.body.token });
      expect(me.status).to.equal(200);
      expect(me.body.user.email).to.equal(email);
      expect(me.body.agency.id).to.equal(res.body.agency.id);
      expect(me.body.subaccounts).to.deep.equal([]);

      const login = await server.request('POST', '/api/auth/login', { body: { email: email.toUpperCase(), password: 'long enough' } });
      expect(login.status).to.equal(200);
      expect(login.body.user.email).to.equal(email);
    });

    it('lists each problem of a bad registration with its JSON pointer', async () => {
      const res = await server.request('POST', '/api/auth/register', { body: { email: 42, password: 'short', extra: true } });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('validation_failed');
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).to.include.members(['/email', '/password', '/agencyName', '/extra']);
    });

    it('refuses a password under 8 characters and a duplicate email', async () => {
      const short = await server.request('POST', '/api/auth/register', { body: { email: uniqueEmail(), password: '1234567', agencyName: 'A' } });
      expect(short.status).to.equal(400);
      expect(short.body.error.details[0].path).to.equal('/password');
      const agency = await registerAgency(server);
      const again = await server.request('POST', '/api/auth/register', { body: { email: agency.email, password: 'whatever123', agencyName: 'B' } });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('email_taken');
    });

    it('answers a wrong password and an unknown email with the same 401', async () => {
      const agency = await registerAgency(server);
      const wrong = await server.request('POST', '/api/auth/login', { body: { email: agency.email, password: 'not the password' } });
      const unknown = await server.request('POST', '/api/auth/login', { body: { email: uniqueEmail('ghost'), password: 'not the password' } });
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      expect(wrong.body).to.deep.equal(unknown.body);
    });

    it('rate limits repeated failed logins for one email with Retry-After', async () => {
      const agency = await registerAgency(server);
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        statuses.push((await server.request('POST', '/api/auth/login', { body: { email: agency.email, password: `wrong ${i}` } })).status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).to.equal(true);
      const limited = await server.request('POST', '/api/auth/login', { body: { email: agency.email, password: agency.password } });
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers.get('retry-after'))).to.be.greaterThan(0);
    });

    it('logout revokes the token; a revoked, malformed or missing token is a 401', async () => {
      const agency = await registerAgency(server);
      expect((await server.request('POST', '/api/auth/logout', { token: agency.token })).status).to.equal(204);
      const after = await server.request('GET', '/api/auth/me', { token: agency.token });
      expect(after.status).to.equal(401);
      expect(after.body.error.code).to.equal('unauthorized');
      expect((await server.request('GET', '/api/auth/me', { token: 'sbs_forged' })).status).to.equal(401);
      expect((await server.request('GET', '/api/auth/me', { headers: { authorization: 'Basic Zm9vOmJhcg==' } })).status).to.equal(401);
      expect((await server.request('GET', '/api/auth/me')).status).to.equal(401);
    });

    it('stores SQL-looking and unicode strings verbatim', async () => {
      const agency = await registerAgency(server);
      const names = ["Robert'); DROP TABLE users;--", 'Ünïcødé ✓ 日本語 🚀', '" OR 1=1 --'];
      for (const name of names) {
        const created = await server.request('POST', '/api/subaccounts', { token: agency.token, body: { name } });
        expect(created.status).to.equal(201);
        const read = await server.request('GET', `/api/subaccounts/${created.body.id}`, { token: agency.token });
        expect(read.body.name).to.equal(name);
      }
      const agencyName = 'Agence Été — 🚀';
      const reg = await server.request('POST', '/api/auth/register', { body: { email: uniqueEmail(), password: 'long enough', agencyName } });
      expect(reg.body.agency.name).to.equal(agencyName);
    });
  });
}
