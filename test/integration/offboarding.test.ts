import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { databaseKinds } from '../helpers/databases.js';
import { vipFlow } from '../helpers/runs.js';
import { startServer, type Reply, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency, uniqueEmail, type Agency } from '../helpers/story.js';
import { until } from '../helpers/until.js';

interface Member {
  id: string;
  token: string;
  email: string;
  password: string;
}

function expectError(res: Reply, status: number, code: string, what = ''): void {
  expect(res.status, `${what} ${res.text}`).to.equal(status);
  expect(res.body.error.code, what).to.equal(code);
  expect(res.body.error.message, what).to.be.a('string').and.not.be.empty;
}

for (const kind of databaseKinds) {
  describe(`offboarding: changing and removing users, API keys bound to their creator (${kind.name})`, function () {
    this.timeout(30_000);
    let server: TestServer;
    let acme: Agency;
    let sidA: string;
    let sidB: string;

    /** Adds a user to the agency (as `by`, the owner unless said) and signs them in. */
    async function member(role: string, subaccountIds: string[] = [], by = acme.token): Promise<Member> {
      const email = uniqueEmail(role);
      const password = 'another long password';
      const created = await server.request('POST', '/api/users', { token: by, body: { email, password, role, subaccountIds } });
      if (created.status !== 201) throw new Error(`create user failed: ${created.status} ${created.text}`);
      const login = await server.request('POST', '/api/auth/login', { body: { email, password } });
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
      return { id: created.body.id, token: login.body.token, email, password };
    }

    const patchUser = (token: string, uid: string, body: unknown) => server.request('PATCH', `/api/users/${uid}`, { token, body });
    const deleteUser = (token: string, uid: string) => server.request('DELETE', `/api/users/${uid}`, { token });
    const getSub = (token: string, sid: string) => server.request('GET', `/api/subaccounts/${sid}`, { token });
    const newKey = async (token: string, sid: string, extra: Record<string, unknown> = {}) => {
      const res = await server.request('POST', `/api/subaccounts/${sid}/api-keys`, { token, body: { name: 'Zapier', ...extra } });
      if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${res.text}`);
      return res.body as { id: string; key: string; expiresAt: string | null; createdById: string };
    };
    /** A write an API key may do: save a flow. */
    const writeWith = (token: string, sid: string) => server.request('POST', `/api/subaccounts/${sid}/flows`, { token, body: { name: 'By key', graph: vipFlow() } });

    before(async () => {
      server = await startServer(kind);
      acme = await registerAgency(server, 'Acme');
      sidA = await createSubaccount(server, acme.token, 'Client A');
      sidB = await createSubaccount(server, acme.token, 'Client B');
    });
    after(async () => server?.close());

    it('changes a builder’s sub-accounts and role; their next request sees the change', async () => {
      const builder = await member('builder', [sidA]);
      expect((await getSub(builder.token, sidB)).status).to.equal(404);

      const moved = await patchUser(acme.token, builder.id, { subaccountIds: [sidB] });
      expect(moved.status).to.equal(200);
      expect(moved.body).to.include({ id: builder.id, role: 'builder' });
      expect(moved.body.subaccountIds).to.deep.equal([sidB]);
      expect((await getSub(builder.token, sidA)).status).to.equal(404);
      expect((await getSub(builder.token, sidB)).status).to.equal(200);

      expect((await patchUser(acme.token, builder.id, { role: 'viewer' })).body.role).to.equal('viewer');
      expectError(await writeWith(builder.token, sidB), 403, 'forbidden', 'a viewer saving a flow');

      const promoted = await patchUser(acme.token, builder.id, { role: 'admin' });
      expect(promoted.body).to.include({ role: 'admin', subaccountIds: null });
      expect((await server.request('GET', '/api/users', { token: builder.token })).status).to.equal(200);
      const listed = (await server.request('GET', '/api/users', { token: acme.token })).body.items.find((u: { id: string }) => u.id === builder.id);
      expect(listed).to.include({ role: 'admin' });
    });

    it('removes a user: their sign-in, sessions and API keys stop working at once', async () => {
      const leaver = await member('builder', [sidA]);
      const key = await newKey(leaver.token, sidA);
      expect((await getSub(key.key, sidA)).status).to.equal(200);

      expect((await deleteUser(acme.token, leaver.id)).status).to.equal(204);

      expectError(await server.request('GET', '/api/auth/me', { token: leaver.token }), 401, 'unauthorized', 'their session');
      expectError(await getSub(key.key, sidA), 401, 'unauthorized', 'their API key');
      expectError(await server.request('POST', '/api/auth/login', { body: { email: leaver.email, password: leaver.password } }), 401, 'unauthorized', 'signing in');
      const users = await server.request('GET', '/api/users', { token: acme.token });
      expect(users.body.items.map((u: { id: string }) => u.id)).to.not.include(leaver.id);
      const keys = await server.request('GET', `/api/subaccounts/${sidA}/api-keys`, { token: acme.token });
      expect(keys.body.items.map((k: { id: string }) => k.id)).to.not.include(key.id);
      expectError(await deleteUser(acme.token, leaver.id), 404, 'not_found', 'removing them twice');
    });

    it('keeps at least one owner: removing or demoting the last one is 409, also when two owners race', async () => {
      const agency = await registerAgency(server, 'Owners Inc');
      const ownerId = agency.userId;
      expectError(await deleteUser(agency.token, ownerId), 409, 'last_owner', 'removing the last owner');
      expectError(await patchUser(agency.token, ownerId, { role: 'admin' }), 409, 'last_owner', 'demoting the last owner');
      expect((await patchUser(agency.token, ownerId, { role: 'owner' })).status, 'staying owner is no change').to.equal(200);

      const second = await member('owner', [], agency.token);
      expect((await patchUser(agency.token, ownerId, { role: 'admin' })).status).to.equal(200);
      expectError(await deleteUser(second.token, second.id), 409, 'last_owner', 'the remaining owner leaving');

      // Two owners demote each other at the same moment: one wins, the agency keeps an owner.
      const third = await member('owner', [], second.token);
      const race = await Promise.all([patchUser(second.token, third.id, { role: 'admin' }), patchUser(third.token, second.id, { role: 'admin' })]);
      expect(race.map((r) => r.status).sort()).to.deep.equal([200, 409]);
      const removals = await Promise.all([deleteUser(second.token, third.id), deleteUser(third.token, second.id)]);
      const owners = (await server.request('GET', '/api/users', { token: agency.token })).body.items.filter((u: { role: string }) => u.role === 'owner');
      expect(owners).to.have.length(1);
      expect(removals.map((r) => r.status)).to.include.members([204]).and.not.include(200);
    });

    it('lets admins manage admins, builders and viewers, but not make or touch owners', async () => {
      const admin = await member('admin');
      const builder = await member('builder', [sidA]);
      expectError(await patchUser(admin.token, builder.id, { role: 'owner' }), 403, 'forbidden', 'an admin making an owner');
      expectError(await patchUser(admin.token, acme.userId, { role: 'viewer' }), 403, 'forbidden', 'an admin demoting an owner');
      expectError(await patchUser(admin.token, acme.userId, { subaccountIds: [] }), 403, 'forbidden', 'an admin changing an owner');
      expectError(await deleteUser(admin.token, acme.userId), 403, 'forbidden', 'an admin removing an owner');

      expect((await patchUser(admin.token, builder.id, { role: 'admin' })).status).to.equal(200);
      expect((await patchUser(admin.token, builder.id, { role: 'viewer', subaccountIds: [sidB] })).body).to.include({ role: 'viewer' });
      expect((await deleteUser(admin.token, builder.id)).status).to.equal(204);
      const other = await member('admin');
      expect((await deleteUser(admin.token, other.id)).status).to.equal(204);
    });

    it('refuses builders, viewers and API keys; other agencies’ users are not found', async () => {
      const builder = await member('builder', [sidA]);
      const viewer = await member('viewer', [sidA]);
      const key = await newKey(acme.token, sidA);
      expectError(await patchUser(builder.token, viewer.id, { role: 'builder' }), 403, 'forbidden', 'a builder');
      expectError(await deleteUser(viewer.token, builder.id), 403, 'forbidden', 'a viewer');
      expectError(await deleteUser(key.key, builder.id), 403, 'forbidden', 'an API key');

      const rival = await registerAgency(server, 'Rival');
      expectError(await patchUser(rival.token, builder.id, { role: 'viewer' }), 404, 'not_found', 'another agency');
      expectError(await deleteUser(rival.token, builder.id), 404, 'not_found', 'another agency');
      expectError(await deleteUser(acme.token, randomUUID()), 404, 'not_found', 'an unknown id');
      expectError(await deleteUser(acme.token, "1' OR 1=1"), 404, 'not_found', 'not an id');
      expect((await getSub(builder.token, sidA)).status, 'nothing happened to them').to.equal(200);
    });

    it('names each bad field of a user change', async () => {
      const builder = await member('builder', [sidA]);
      const rival = await registerAgency(server, 'Rival 2');
      const rivalSid = await createSubaccount(server, rival.token);
      const cases: [unknown, string][] = [
        [{}, '/'],
        [{ role: 'god' }, '/role'],
        [{ role: null }, '/role'],
        [{ subaccountIds: [rivalSid] }, '/subaccountIds/0'],
        [{ subaccountIds: [sidA, 'nope'] }, '/subaccountIds/1'],
        [{ subaccountIds: sidA }, '/subaccountIds'],
        [{ email: 'new@example.com' }, '/email'],
      ];
      for (const [body, path] of cases) {
        const res = await patchUser(acme.token, builder.id, body);
        expectError(res, 400, 'validation_failed', JSON.stringify(body));
        expect(res.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(body)).to.include(path);
      }
      expect((await getSub(builder.token, sidA)).status, 'no change was stored').to.equal(200);
    });

    it('API keys with expiresAt work until then and answer 401 after', async () => {
      const expiresAt = new Date(Date.now() + 1500).toISOString();
      const key = await newKey(acme.token, sidA, { expiresAt });
      expect(key.expiresAt).to.equal(expiresAt);
      const listed = (await server.request('GET', `/api/subaccounts/${sidA}/api-keys`, { token: acme.token })).body.items.find((k: { id: string }) => k.id === key.id);
      expect(listed).to.include({ expiresAt, createdById: acme.userId });
      expect((await getSub(key.key, sidA)).status).to.equal(200);
      await until(async () => (await getSub(key.key, sidA)).status === 401, 5_000, 'the key expiring');

      const forever = await newKey(acme.token, sidA);
      expect(forever.expiresAt).to.equal(null);
    });

    it('refuses an expiresAt that is not a future time, naming the field', async () => {
      for (const expiresAt of [new Date(Date.now() - 60_000).toISOString(), 'tomorrow', '2030-13-01T00:00:00Z', 1_900_000_000, null]) {
        const res = await server.request('POST', `/api/subaccounts/${sidA}/api-keys`, { token: acme.token, body: { name: 'k', expiresAt } });
        expectError(res, 400, 'validation_failed', JSON.stringify(expiresAt));
        expect(res.body.error.details[0].path).to.equal('/expiresAt');
      }
    });

    it('lets a key do only what its creator still may: demoted to viewer → writes 403, sub-account taken away → 401', async () => {
      const builder = await member('builder', [sidA]);
      const key = await newKey(builder.token, sidA);
      expect((await writeWith(key.key, sidA)).status).to.equal(201);

      await patchUser(acme.token, builder.id, { role: 'viewer' });
      expectError(await writeWith(key.key, sidA), 403, 'forbidden', 'a key whose creator is a viewer, writing');
      expect((await getSub(key.key, sidA)).status, 'reading still works').to.equal(200);

      await patchUser(acme.token, builder.id, { role: 'builder', subaccountIds: [sidB] });
      expectError(await getSub(key.key, sidA), 401, 'unauthorized', 'a key whose creator lost its sub-account');
      expectError(await writeWith(key.key, sidA), 401, 'unauthorized', 'a key whose creator lost its sub-account, writing');

      await patchUser(acme.token, builder.id, { subaccountIds: [sidA, sidB] });
      expect((await writeWith(key.key, sidA)).status, 'given back, the key works again').to.equal(201);
      expect((await getSub(key.key, sidB)).status, 'and still only for its own sub-account').to.equal(404);
    });

    it('lets only owners, admins and the key’s creator revoke a key', async () => {
      const maker = await member('builder', [sidA]);
      const colleague = await member('builder', [sidA]);
      const admin = await member('admin');
      const first = await newKey(maker.token, sidA);
      const second = await newKey(maker.token, sidA);
      const third = await newKey(maker.token, sidA);
      const revoke = (token: string, kid: string) => server.request('DELETE', `/api/subaccounts/${sidA}/api-keys/${kid}`, { token });

      expectError(await revoke(colleague.token, first.id), 403, 'forbidden', 'another builder');
      expectError(await revoke(second.key, first.id), 403, 'forbidden', 'another key');
      expect((await getSub(first.key, sidA)).status, 'still working').to.equal(200);

      expect((await revoke(maker.token, first.id)).status).to.equal(204);
      expect((await revoke(admin.token, second.id)).status).to.equal(204);
      expect((await revoke(third.key, third.id)).status, 'a key revoking itself').to.equal(204);
      for (const key of [first, second, third]) expectError(await getSub(key.key, sidA), 401, 'unauthorized', 'a revoked key');
      expectError(await revoke(acme.token, first.id), 404, 'not_found', 'revoking twice');
    });
  });
}
