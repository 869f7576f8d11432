import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, type Graph, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { addUser, createSubaccount, registerAgency, type Agency } from '../helpers/story.js';

const graphWith = (greeting: string): Graph => ({
  nodes: [
    { id: 'start', type: 'trigger.manual' },
    { id: 'shape', type: 'logic.set', config: { value: { greeting } } },
  ],
  edges: [{ source: 'start', target: 'shape' }],
});

interface Version {
  version: number;
  graph: { nodes: { id: string; config?: { value?: { greeting?: string } } }[] };
  createdAt: string;
  createdBy: { id: string | null; email: string | null } | null;
}

for (const kind of databaseKinds) {
  describe(`no lost edits: saves from a stale version, and who saved each version (${kind.name})`, function () {
    let server: TestServer;
    let owner: Agency;
    let ws: Workspace;
    const path = (p = '') => `/api/subaccounts/${ws.sid}/flows${p}`;
    const save = (fid: string, body: Record<string, unknown>, token = ws.token) => server.request('PUT', path(`/${fid}`), { token, body });
    const versions = async (fid: string): Promise<Version[]> => (await server.request('GET', path(`/${fid}/versions`), { token: ws.token })).body.items;

    before(async () => {
      server = await startServer(kind);
      owner = await registerAgency(server);
      ws = { server, token: owner.token, sid: await createSubaccount(server, owner.token) };
    });
    after(async () => server?.close());

    it('refuses a save from a version someone saved over, stores nothing, and names the current version', async () => {
      const flow = await createFlow(ws, graphWith('one'), 'Shared flow');
      const first = await save(flow.id, { graph: graphWith('two'), baseVersion: 1 });
      expect(first.status).to.equal(200);
      expect(first.body.version).to.equal(2);

      // A second editor still on version 1 saves a different graph and a new name.
      const stale = await save(flow.id, { graph: graphWith('three'), name: 'Renamed', baseVersion: 1 });
      expect(stale.status).to.equal(409);
      expect(stale.body.error.code).to.equal('version_conflict');
      expect(stale.body.error.message).to.contain('version 2');
      expect(stale.body.error.details[0]).to.include({ path: '/baseVersion', currentVersion: 2 });

      const current = await server.request('GET', path(`/${flow.id}`), { token: ws.token });
      expect(current.body).to.include({ version: 2, name: 'Shared flow' });
      expect(current.body.graph.nodes[1].config.value.greeting).to.equal('two');
      expect((await versions(flow.id)).map((v) => v.version)).to.deep.equal([2, 1]);

      // Overwriting on purpose: the same edit, now based on the version it replaces.
      const overwrite = await save(flow.id, { graph: graphWith('three'), name: 'Renamed', baseVersion: 2 });
      expect(overwrite.status).to.equal(200);
      expect(overwrite.body).to.include({ version: 3, name: 'Renamed' });
    });

    it('refuses a base version from the future too', async () => {
      const flow = await createFlow(ws, graphWith('one'));
      const res = await save(flow.id, { graph: graphWith('two'), baseVersion: 7 });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('version_conflict');
      expect((await versions(flow.id)).map((v) => v.version)).to.deep.equal([1]);
    });

    it('lets only one of two simultaneous saves from the same base through', async () => {
      const flow = await createFlow(ws, graphWith('one'));
      const answers = await Promise.all([save(flow.id, { graph: graphWith('left'), baseVersion: 1 }), save(flow.id, { graph: graphWith('right'), baseVersion: 1 })]);
      expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 409]);
      const winner = answers.find((a) => a.status === 200)!;
      const list = await versions(flow.id);
      expect(list.map((v) => v.version)).to.deep.equal([2, 1]);
      expect(list[0].graph.nodes[1].config?.value?.greeting).to.equal(winner.body.graph.nodes[1].config.value.greeting);
    });

    it('keeps saves without baseVersion working as before (last write wins)', async () => {
      const flow = await createFlow(ws, graphWith('one'));
      expect((await save(flow.id, { graph: graphWith('two') })).status).to.equal(200);
      const blind = await save(flow.id, { graph: graphWith('three') });
      expect(blind.status).to.equal(200);
      expect(blind.body.version).to.equal(3);
      // The current version as base with an unchanged graph stores no new version.
      const same = await save(flow.id, { graph: graphWith('three'), baseVersion: 3 });
      expect(same.status).to.equal(200);
      expect(same.body.version).to.equal(3);
    });

    it('rejects a baseVersion that is not a positive whole number with a clear 400', async () => {
      const flow = await createFlow(ws, graphWith('one'));
      for (const baseVersion of ['1', 0, 1.5, -3, null]) {
        const res = await save(flow.id, { graph: graphWith('two'), baseVersion });
        expect(res.status, JSON.stringify(baseVersion)).to.equal(400);
        expect(res.body.error.details.some((d: { path: string }) => d.path.includes('baseVersion')), res.text).to.equal(true);
      }
      expect((await versions(flow.id)).map((v) => v.version)).to.deep.equal([1]);
    });

    it('records who saved each version, also when a builder saves', async () => {
      const flow = await createFlow(ws, graphWith('one'));
      const builderToken = await addUser(server, owner.token, 'builder', [ws.sid]);
      const builder = (await server.request('GET', '/api/auth/me', { token: builderToken })).body.user as { id: string; email: string };
      expect((await save(flow.id, { graph: graphWith('two'), baseVersion: 1 }, builderToken)).status).to.equal(200);
      const [second, first] = await versions(flow.id);
      expect(second.createdBy).to.deep.equal({ id: builder.id, email: builder.email });
      expect(first.createdBy).to.deep.equal({ id: owner.userId, email: owner.email });
      expect(Date.parse(second.createdAt)).to.be.at.least(Date.parse(first.createdAt));
    });
  });
}
