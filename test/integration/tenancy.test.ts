import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { databaseKinds } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser, createSubaccount, registerAgency, type Agency } from '../helpers/story.js';

for (const kind of databaseKinds) {
  describe(`tenancy guard (${kind.name})`, function () {
    let server: TestServer;
    let acme: Agency;
    let rival: Agency;
    let acmeSid: string;
    let otherSid: string;

    before(async () => {
      server = await startServer(kind);
      acme = await registerAgency(server, 'Acme');
      rival = await registerAgency(server, 'Rival');
      acmeSid = await createSubaccount(server, acme.token, 'Acme client');
      otherSid = await createSubaccount(server, acme.token, 'Acme other client');
    });
    after(async () => server?.close());

    /** Every route that lives under a sub-account, read from the app's own route table. */
    const subaccountRoutes = () => server.app.routes.filter((r) => r.path.includes(':sid'));
    const fill = (path: string, sid: string) => path.replace(':sid', sid).replace(/:\w+/g, randomUUID());

    it('knows its routes', () => {
      expect(subaccountRoutes().length).to.be.greaterThan(3);
    });

    it("answers 404 to another agency's token on every sub-account route", async () => {
      for (const route of subaccountRoutes()) {
        const res = await server.request(route.method.toUpperCase(), fill(route.path, acmeSid), { token: rival.token, body: route.method === 'get' ? undefined : {} });
        expect(res.status, `${route.method} ${route.path}`).to.equal(404);
        expect(res.body.error.code).to.equal('not_found');
      }
    });

    /** Every agency-wide route that names an object by id (a user…), read from the same table. */
    const agencyObjectRoutes = () => server.app.routes.filter((r) => !r.path.includes(':sid') && /\/:\w+/.test(r.path));
    /** Fills ids with real objects of Acme's where there is one of that kind (so a leak would show), else random ones. */
    const fillAcme = (path: string) => path.replace(':uid', acme.userId).replace(/:\w+/g, () => randomUUID());

    it("answers 404 to another agency's admin, and 403 to a viewer's writes, on every agency route that names an object", async () => {
      expect(agencyObjectRoutes().length).to.be.greaterThan(1);
      const viewer = await addUser(server, acme.token, 'viewer', [acmeSid]);
      for (const route of agencyObjectRoutes()) {
        const what = `${route.method} ${route.path}`;
        const body = route.method === 'get' ? undefined : { role: 'viewer' };
        const rivals = await server.request(route.method.toUpperCase(), fillAcme(route.path), { token: rival.token, body });
        expect(rivals.status, what).to.equal(404);
        expect(rivals.body.error.code, what).to.equal('not_found');
        if (route.method !== 'get') {
          expect((await server.request(route.method.toUpperCase(), fillAcme(route.path), { token: viewer, body })).status, what).to.equal(403);
        }
      }
      expect((await server.request('GET', '/api/auth/me', { token: acme.token })).body.user.role, 'Acme’s owner is untouched').to.equal('owner');
    });

    it('answers 403 to a viewer on every write, and lets the viewer read', async () => {
      const viewer = await addUser(server, acme.token, 'viewer', [acmeSid]);
      for (const route of subaccountRoutes().filter((r) => r.method !== 'get')) {
        const res = await server.request(route.method.toUpperCase(), fill(route.path, acmeSid), { token: viewer, body: {} });
        expect(res.status, `${route.method} ${route.path}`).to.equal(403);
      }
      expect((await server.request('GET', `/api/subaccounts/${acmeSid}`, { token: viewer })).status).to.equal(200);
      expect((await server.request('POST', '/api/subaccounts', { token: viewer, body: { name: 'x' } })).status).to.equal(403);
      expect((await server.request('GET', '/api/users', { token: viewer })).status).to.equal(403);
    });

    it('hides sub-accounts a builder is not given', async () => {
      const builder = await addUser(server, acme.token, 'builder', [acmeSid]);
      const list = await server.request('GET', '/api/subaccounts', { token: builder });
      expect(list.body.items.map((s: { id: string }) => s.id)).to.deep.equal([acmeSid]);
      expect((await server.request('GET', `/api/subaccounts/${otherSid}`, { token: builder })).status).to.equal(404);
      expect((await server.request('POST', `/api/subaccounts/${acmeSid}/api-keys`, { token: builder, body: { name: 'k' } })).status).to.equal(201);
      expect((await server.request('POST', `/api/subaccounts/${otherSid}/api-keys`, { token: builder, body: { name: 'k' } })).status).to.equal(404);
      const me = await server.request('GET', '/api/auth/me', { token: builder });
      expect(me.body.subaccounts.map((s: { id: string }) => s.id)).to.deep.equal([acmeSid]);
    });

    it("never lists another agency's sub-accounts or users", async () => {
      const subs = await server.request('GET', '/api/subaccounts', { token: rival.token });
      expect(subs.body.items).to.deep.equal([]);
      const users = await server.request('GET', '/api/users', { token: rival.token });
      expect(users.body.items.map((u: { email: string }) => u.email)).to.deep.equal([rival.email]);
      const assign = await server.request('POST', '/api/users', {
        token: rival.token,
        body: { email: 'spy@example.com', password: 'long enough', role: 'builder', subaccountIds: [acmeSid] },
      });
      expect(assign.status).to.equal(400);
      expect(assign.body.error.details[0].path).to.equal('/subaccountIds/0');
    });

    it('API keys: shown once, work only for their sub-account, and stop working when revoked', async () => {
      const created = await server.request('POST', `/api/subaccounts/${acmeSid}/api-keys`, { token: acme.token, body: { name: 'Zapier' } });
      expect(created.status).to.equal(201);
      const { key, id, prefix } = created.body;
      expect(key.startsWith(prefix)).to.equal(true);
      const list = await server.request('GET', `/api/subaccounts/${acmeSid}/api-keys`, { token: acme.token });
      const listed = list.body.items.find((k: { id: string }) => k.id === id);
      expect(listed).to.include({ name: 'Zapier', prefix });
      expect(listed).to.not.have.property('key');
      expect(JSON.stringify(list.body)).to.not.include(key);

      expect((await server.request('GET', `/api/subaccounts/${acmeSid}`, { token: key })).status).to.equal(200);
      expect((await server.request('GET', `/api/subaccounts/${otherSid}`, { token: key })).status).to.equal(404);
      expect((await server.request('POST', '/api/subaccounts', { token: key, body: { name: 'x' } })).status).to.equal(403);
      const visible = await server.request('GET', '/api/subaccounts', { token: key });
      expect(visible.body.items.map((s: { id: string }) => s.id)).to.deep.equal([acmeSid]);

      expect((await server.request('DELETE', `/api/subaccounts/${acmeSid}/api-keys/${id}`, { token: acme.token })).status).to.equal(204);
      expect((await server.request('GET', `/api/subaccounts/${acmeSid}`, { token: key })).status).to.equal(401);
      expect((await server.request('DELETE', `/api/subaccounts/${acmeSid}/api-keys/${id}`, { token: acme.token })).status).to.equal(404);
    });

    it('only an owner adds owners; admins manage sub-accounts', async () => {
      const admin = await addUser(server, acme.token, 'admin');
      const owner = await server.request('POST', '/api/users', { token: admin, body: { email: 'o2@example.com', password: 'long enough', role: 'owner' } });
      expect(owner.status).to.equal(403);
      const sid = await createSubaccount(server, admin, 'Made by admin');
      const renamed = await server.request('PATCH', `/api/subaccounts/${sid}`, { token: admin, body: { name: 'Renamed', timezone: 'Europe/Paris' } });
      expect(renamed.body).to.include({ name: 'Renamed', timezone: 'Europe/Paris' });
      const badZone = await server.request('PATCH', `/api/subaccounts/${sid}`, { token: admin, body: { timezone: 'Mars/Olympus' } });
      expect(badZone.status).to.equal(400);
      expect(badZone.body.error.details[0].path).to.equal('/timezone');
      expect((await server.request('DELETE', `/api/subaccounts/${sid}`, { token: admin })).status).to.equal(204);
      expect((await server.request('GET', `/api/subaccounts/${sid}`, { token: admin })).status).to.equal(404);
    });

    it('treats an id that is not a UUID as not found', async () => {
      const res = await server.request('GET', "/api/subaccounts/1'%20OR%201=1", { token: acme.token });
      expect(res.status).to.equal(404);
    });

    it('pages through collections with a cursor', async () => {
      const agency = await registerAgency(server, 'Paged');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await createSubaccount(server, agency.token, `S${i}`));
      const first = await server.request('GET', '/api/subaccounts?limit=2', { token: agency.token });
      expect(first.body.items.map((s: { id: string }) => s.id)).to.deep.equal([ids[4], ids[3]]);
      const second = await server.request('GET', `/api/subaccounts?limit=2&cursor=${first.body.nextCursor}`, { token: agency.token });
      expect(second.body.items.map((s: { id: string }) => s.id)).to.deep.equal([ids[2], ids[1]]);
      const third = await server.request('GET', `/api/subaccounts?limit=2&cursor=${second.body.nextCursor}`, { token: agency.token });
      expect(third.body.items.map((s: { id: string }) => s.id)).to.deep.equal([ids[0]]);
      expect(third.body.nextCursor).to.equal(null);
      expect((await server.request('GET', '/api/subaccounts?limit=500', { token: agency.token })).status).to.equal(400);
      expect((await server.request('GET', '/api/subaccounts?cursor=garbage', { token: agency.token })).status).to.equal(400);
    });
  });
}
