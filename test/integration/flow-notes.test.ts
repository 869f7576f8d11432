import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, workspace, type Graph, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';

const graph: Graph = {
  nodes: [
    { id: 'start', type: 'trigger.manual' },
    { id: 'shape', type: 'logic.set', config: { value: { ok: true } } },
  ],
  edges: [{ source: 'start', target: 'shape' }],
};

const note = (id: string, text: string, extra: Record<string, unknown> = {}) => ({ id, text, position: { x: 10, y: -40 }, ...extra });

for (const kind of databaseKinds) {
  describe(`sticky notes saved with a flow (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    const path = (p = '') => `/api/subaccounts/${ws.sid}/flows${p}`;
    const get = (fid: string, p = '') => server.request('GET', path(`/${fid}${p}`), { token: ws.token });
    const save = (fid: string, body: Record<string, unknown>) => server.request('PUT', path(`/${fid}`), { token: ws.token, body });

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    it('keeps the notes of a new flow, shows none on a flow without, and answers them beside the graph', async () => {
      const plain = await createFlow(ws, graph);
      expect((await get(plain.id)).body.notes).to.deep.equal([]);

      const first = note('n1', 'Why this flow exists:\nleads from the site', { size: { width: 240, height: 120 }, color: 'blue' });
      const flow = await createFlow(ws, graph, 'Annotated', { notes: [first] });
      const read = await get(flow.id);
      expect(read.body.notes).to.deep.equal([first]);
      expect(read.body.graph).to.not.have.property('notes');
      const listed = await server.request('GET', path(), { token: ws.token });
      expect(listed.body.items.find((f: { id: string }) => f.id === flow.id).notes).to.deep.equal([first]);
    });

    it('makes a new version when only the notes change, keeps them when only the graph changes, and lists them per version', async () => {
      const flow = await createFlow(ws, graph, 'Versioned', { notes: [note('a', 'first')] });
      const moved = await save(flow.id, { notes: [note('a', 'first', { position: { x: 300, y: 0 } })], baseVersion: 1 });
      expect(moved.status).to.equal(200);
      expect(moved.body.version).to.equal(2);
      expect(moved.body.graph.nodes.map((n: { id: string }) => n.id)).to.deep.equal(['start', 'shape']);

      const same = await save(flow.id, { notes: moved.body.notes, baseVersion: 2 });
      expect(same.body.version).to.equal(2, 'the same notes again are no new version');

      const edited = { ...graph, nodes: [graph.nodes[0], { ...graph.nodes[1], config: { value: { ok: false } } }] };
      const graphOnly = await save(flow.id, { graph: edited, baseVersion: 2 });
      expect(graphOnly.body.version).to.equal(3);
      expect(graphOnly.body.notes).to.deep.equal([note('a', 'first', { position: { x: 300, y: 0 } })]);

      const cleared = await save(flow.id, { notes: [], baseVersion: 3 });
      expect(cleared.body).to.include({ version: 4 });
      expect(cleared.body.notes).to.deep.equal([]);

      const versions = (await get(flow.id, '/versions')).body.items as { version: number; notes: { position: { x: number } }[] }[];
      expect(versions.map((v) => [v.version, v.notes.map((n) => n.position.x)])).to.deep.equal([
        [4, []],
        [3, [300]],
        [2, [300]],
        [1, [10]],
      ]);
    });

    it('exports the notes and imports them back', async () => {
      const flow = await createFlow(ws, graph, 'Exported', { notes: [note('x', 'hello', { color: 'pink' })] });
      const exported = await get(flow.id, '/export');
      expect(exported.body.notes).to.deep.equal([note('x', 'hello', { color: 'pink' })]);
      const imported = await server.request('POST', path('/import'), { token: ws.token, body: exported.body });
      expect(imported.status).to.equal(201);
      expect(imported.body.notes).to.deep.equal(exported.body.notes);
    });

    it('refuses bad notes with 400 naming each problem, and stores nothing', async () => {
      const flow = await createFlow(ws, graph, 'Guarded');
      const cases: [unknown, string][] = [
        ['not a list', '/notes'],
        [[{ text: 'no id', position: { x: 0, y: 0 } }], '/notes/0/id'],
        [[note('big', 'x'.repeat(5001))], '/notes/0/text'],
        [[note('c', 'colour', { color: 'chartreuse' })], '/notes/0/color'],
        [[note('p', 'where', { position: { x: 'left', y: 0 } })], '/notes/0/position/x'],
        [[note('s', 'tiny', { size: { width: 1, height: 1 } })], '/notes/0/size/width'],
        [[note('e', 'extra', { script: 'alert(1)' })], '/notes/0/script'],
        [[note('twin', 'one'), note('twin', 'two')], '/notes/1/id'],
        [Array.from({ length: 201 }, (_, i) => note(`n${i}`, 'many')), '/notes'],
      ];
      for (const [notes, pointer] of cases) {
        const res = await save(flow.id, { notes });
        expect(res.status, JSON.stringify(notes).slice(0, 80)).to.equal(400);
        expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include(pointer);
      }
      const created = await server.request('POST', path(), { token: ws.token, body: { name: 'Bad', graph, notes: [note('twin', 'a'), note('twin', 'b')] } });
      expect(created.status).to.equal(400);
      const after = await get(flow.id);
      expect(after.body).to.include({ version: 1 });
      expect(after.body.notes).to.deep.equal([]);
    });
  });
}
