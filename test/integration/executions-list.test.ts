import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';

interface Listed {
  id: string;
  createdAt: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const kind of databaseKinds) {
  describe(`executions list by time (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let ws: Workspace;
    let base: string;
    // Three runs of one flow, oldest first, a few milliseconds apart.
    let runs: Listed[];

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
      const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }] });
      for (let i = 0; i < 3; i++) {
        await runAndWait(ws, flow.id);
        await pause(20);
      }
      base = `/api/subaccounts/${ws.sid}/executions?flowId=${flow.id}`;
      runs = (await list('')).reverse();
      expect(runs).to.have.length(3);
    });
    after(() => server?.close());

    async function list(query: string): Promise<Listed[]> {
      const res = await server.request('GET', `${base}${query}`, { token: ws.token });
      expect(res.status, res.text).to.equal(200);
      return res.body.items;
    }
    const ids = (items: Listed[]) => items.map((e) => e.id);
    const at = (iso: string) => encodeURIComponent(iso);

    it('keeps executions created from `from` on and up to `to`, both included', async () => {
      const [first, middle, last] = runs;
      expect(ids(await list(`&from=${at(middle.createdAt)}`))).to.deep.equal([last.id, middle.id]);
      expect(ids(await list(`&to=${at(middle.createdAt)}`))).to.deep.equal([middle.id, first.id]);
      expect(ids(await list(`&from=${at(middle.createdAt)}&to=${at(middle.createdAt)}`))).to.deep.equal([middle.id]);
      expect(await list(`&from=${at(new Date(Date.parse(last.createdAt) + 1).toISOString())}`)).to.deep.equal([]);
    });

    it('answers ranges far from now: nothing from a past year, everything up to a future one', async () => {
      expect(await list(`&from=${at('2001-01-01T00:00:00Z')}&to=${at('2001-12-31T23:59:59Z')}`)).to.deep.equal([]);
      expect(await list(`&to=${at('2001-12-31T23:59:59Z')}`)).to.deep.equal([]);
      expect(ids(await list(`&from=${at('2001-01-01T00:00:00Z')}&to=${at('2199-01-01T00:00:00Z')}`))).to.deep.equal(ids([...runs].reverse()));
      expect(await list(`&from=${at('2199-01-01T00:00:00Z')}`)).to.deep.equal([]);
    });

    it('reads a time with another offset as the same moment', async () => {
      const middle = new Date(runs[1].createdAt);
      // The same instant written in UTC+02:00.
      const local = new Date(middle.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
      expect(ids(await list(`&to=${at(local)}`))).to.deep.equal([runs[1].id, runs[0].id]);
    });

    it('pages through a time range with the cursor', async () => {
      const from = `&from=${at(runs[1].createdAt)}&limit=1`;
      const page1 = await server.request('GET', `${base}${from}`, { token: ws.token });
      expect(ids(page1.body.items)).to.deep.equal([runs[2].id]);
      const page2 = await server.request('GET', `${base}${from}&cursor=${page1.body.nextCursor}`, { token: ws.token });
      expect(ids(page2.body.items)).to.deep.equal([runs[1].id]);
      expect(page2.body.nextCursor, 'the oldest run is before the range').to.equal(null);
    });

    it('refuses a time that is not an ISO 8601 date-time with a zone, and a range that ends before it starts, with 400', async () => {
      const refused = async (query: string, path: string) => {
        const res = await server.request('GET', `${base}${query}`, { token: ws.token });
        expect(res.status, query).to.equal(400);
        expect(res.body.error.code).to.equal('validation_failed');
        expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal([path]);
        return res.body.error.message as string;
      };
      expect(await refused('&from=yesterday', '/query/from')).to.match(/from must be an ISO 8601 date-time/);
      expect(await refused(`&to=${at('2026-01-31T09:30:00')}`, '/query/to')).to.match(/to must be an ISO 8601 date-time with a time zone/);
      await refused(`&from=${at('2026-02-31T00:00:00Z')}`, '/query/from');
      await refused(`&to=${at('2026-01-31T25:00:00Z')}`, '/query/to');
      await refused('&from=1&from=2', '/query/from');
      expect(await refused(`&from=${at('2026-02-01T00:00:00Z')}&to=${at('2026-01-01T00:00:00Z')}`, '/query/from')).to.equal('from must not be after to.');
      const both = await server.request('GET', `${base}&from=x&to=y`, { token: ws.token });
      expect(both.body.error.details).to.have.length(2);
      expect(both.body.error.message).to.match(/^from and to must be/);
    });
  });
}
