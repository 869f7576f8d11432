import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, stepOf, type Graph, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount } from '../helpers/story.js';

const manualToSet: Graph = {
  nodes: [
    { id: 'start', type: 'trigger.manual' },
    { id: 'shape', type: 'logic.set', config: { value: { greeting: 'Hello {{ $json.name }}', n: '{{ $json.n * 2 }}', exec: '{{ $execution.id }}' } } },
  ],
  edges: [{ source: 'start', target: 'shape' }],
};

for (const kind of databaseKinds) {
  describe(`flows, versions and manual runs (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    const path = (p = '') => `/api/subaccounts/${ws.sid}/flows${p}`;

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    it('creates a flow at version 1, inactive, and runs it with typed expressions', async () => {
      const flow = await createFlow(ws, manualToSet, 'Greeter');
      expect(flow).to.include({ version: 1, active: false, name: 'Greeter' });
      const execution = await runAndWait(ws, flow.id, { name: 'Ada', n: 21 });
      expect(execution.status).to.equal('succeeded');
      expect(execution.flowVersion).to.equal(1);
      expect(stepOf(execution, 'start').output).to.deep.equal({ name: 'Ada', n: 21 });
      expect(stepOf(execution, 'shape').output).to.deep.equal({ greeting: 'Hello Ada', n: 42, exec: execution.id });
    });

    it('answers 202 with an execution id without ?wait', async () => {
      const flow = await createFlow(ws, manualToSet);
      const res = await server.request('POST', path(`/${flow.id}/run`), { token: ws.token, body: {} });
      expect(res.status).to.equal(202);
      expect(res.body.executionId).to.be.a('string');
    });

    it('rejects bad graphs with one detail per problem, naming the node or edge', async () => {
      const bad = {
        nodes: [
          { id: 'a', type: 'logic.set', config: { value: 1 } },
          { id: 'a', type: 'logic.set', config: { value: 2 } },
          { id: 'b', type: 'no.such.type' },
          { id: 'c', type: 'logic.delay', config: { unit: 'fortnights', amount: 1 } },
          { id: 'd', type: 'logic.set', config: { value: '{{ $json.( }}' } },
        ],
        edges: [
          { source: 'a', target: 'ghost' },
          { source: 'c', sourcePort: 'nope', target: 'd' },
        ],
      };
      const res = await server.request('POST', path(), { token: ws.token, body: { name: 'Broken', graph: bad } });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_graph');
      const messages: string[] = res.body.error.details.map((d: { message: string }) => d.message);
      const paths: string[] = res.body.error.details.map((d: { path: string }) => d.path);
      expect(messages.some((m) => m.includes('"a" is used twice'))).to.equal(true);
      expect(messages.some((m) => m.includes('unknown type "no.such.type"'))).to.equal(true);
      expect(paths).to.include('/graph/nodes/3/config/unit');
      expect(messages.some((m) => m.includes('node "d"') && m.includes('does not parse'))).to.equal(true);
      expect(messages.some((m) => m.includes('"ghost" does not exist'))).to.equal(true);
      expect(messages.some((m) => m.includes('has no port "nope"'))).to.equal(true);
      expect(messages.some((m) => m.includes('no trigger'))).to.equal(true);
    });

    it('rejects a cycle and an edge into a trigger', async () => {
      const cyclic = {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'x', type: 'logic.set', config: { value: 1 } },
          { id: 'y', type: 'logic.set', config: { value: 2 } },
        ],
        edges: [
          { source: 't', target: 'x' },
          { source: 'x', target: 'y' },
          { source: 'y', target: 'x' },
        ],
      };
      const res = await server.request('POST', path(), { token: ws.token, body: { name: 'Loop', graph: cyclic } });
      expect(res.status).to.equal(400);
      const cycle = res.body.error.details.find((d: { message: string }) => d.message.includes('cycle'));
      expect(cycle).to.deep.include({ path: '/graph/edges/2', nodeIds: ['x', 'y'], edges: [1, 2], edge: 2 });
      const intoTrigger = { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'x', type: 'logic.set', config: { value: 1 } }], edges: [{ source: 'x', target: 't' }] };
      const res2 = await server.request('POST', path(), { token: ws.token, body: { name: 'Into', graph: intoTrigger } });
      expect(res2.status).to.equal(400);
      expect(res2.body.error.details[0].message).to.include('trigger cannot have incoming edges');
    });

    it('makes every changed graph a new immutable version; executions record theirs', async () => {
      const flow = await createFlow(ws, manualToSet);
      const renamed = await server.request('PUT', path(`/${flow.id}`), { token: ws.token, body: { name: 'Renamed' } });
      expect(renamed.body.version).to.equal(1);
      const changed = structuredClone(manualToSet);
      changed.nodes[1].config = { value: { v: 2 } };
      const v2 = await server.request('PUT', path(`/${flow.id}`), { token: ws.token, body: { graph: changed } });
      expect(v2.body.version).to.equal(2);
      const versions = await server.request('GET', path(`/${flow.id}/versions`), { token: ws.token });
      expect(versions.body.items.map((v: { version: number }) => v.version)).to.deep.equal([2, 1]);
      expect(versions.body.items[1].graph.nodes[1].config.value.greeting).to.equal('Hello {{ $json.name }}');
      const execution = await runAndWait(ws, flow.id);
      expect(execution.flowVersion).to.equal(2);
      expect(stepOf(execution, 'shape').output).to.deep.equal({ v: 2 });
      const invalid = await server.request('PUT', path(`/${flow.id}`), { token: ws.token, body: { graph: { nodes: [{ id: 'x', type: 'logic.set', config: { value: 1 } }] } } });
      expect(invalid.status).to.equal(400);
      expect((await server.request('GET', path(`/${flow.id}`), { token: ws.token })).body.version).to.equal(2);
    });

    it('exports a flow document that imports as a new flow', async () => {
      const flow = await createFlow(ws, manualToSet, 'Original');
      const exported = await server.request('GET', path(`/${flow.id}/export`), { token: ws.token });
      expect(exported.body.name).to.equal('Original');
      const imported = await server.request('POST', path('/import'), { token: ws.token, body: exported.body });
      expect(imported.status).to.equal(201);
      expect(imported.body.id).to.not.equal(flow.id);
      expect(imported.body.graph).to.deep.equal(exported.body.graph);
    });

    it('fails a step whose expression fails at run time, naming the field', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'bad', type: 'logic.set', config: { value: { total: '{{ $sum($json.items) + $json.label }}' } } },
        ],
        edges: [{ source: 't', target: 'bad' }],
      });
      const execution = await runAndWait(ws, flow.id, { items: [1, 2], label: 'x' });
      expect(execution.status).to.equal('failed');
      const step = stepOf(execution, 'bad');
      expect(step.status).to.equal('failed');
      expect(step.error!.message).to.include('/value/total');
      expect(step.error!.code).to.equal('expression_failed');
      expect(execution.error!.message).to.include('"bad" failed');
    });

    it('re-validates a resolved config against the schema before running', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'wait', type: 'logic.delay', config: { amount: '{{ $json.howLong }}', unit: 'seconds' } },
        ],
        edges: [{ source: 't', target: 'wait' }],
      });
      const execution = await runAndWait(ws, flow.id, { howLong: 'soon' });
      expect(execution.status).to.equal('failed');
      expect(stepOf(execution, 'wait').error!.message).to.include('/amount must be number');
    });

    it('deletes a flow with its executions', async () => {
      const flow = await createFlow(ws, manualToSet);
      const execution = await runAndWait(ws, flow.id);
      expect((await server.request('DELETE', path(`/${flow.id}`), { token: ws.token })).status).to.equal(204);
      expect((await server.request('GET', path(`/${flow.id}`), { token: ws.token })).status).to.equal(404);
      expect((await server.request('GET', `/api/subaccounts/${ws.sid}/executions/${execution.id}`, { token: ws.token })).status).to.equal(404);
    });

    it('lists a page of flows in a constant number of queries, with each flow\'s own graph and triggers', async function () {
      this.timeout(30_000);
      const own = { ...ws, sid: await createSubaccount(server, ws.token, 'Many flows') };
      const created: string[] = [];
      for (let i = 0; i < 20; i++) {
        const flow = await createFlow(own, { nodes: [{ id: 'hook', type: 'trigger.webhook' }, { id: `set${i}`, type: 'logic.set', config: { value: i } }], edges: [{ source: 'hook', target: `set${i}` }] }, `Flow ${i}`);
        created.unshift(flow.id);
      }
      // Queries on the flow tables only: the sweeper and the scheduler query on their own timers.
      let queries = 0;
      const counter = (_options: unknown, query: object) => {
        const sql = (query as { sql?: string }).sql ?? '';
        if (/\b(flows|flow_versions|flow_triggers)\b/.test(sql) && !sql.includes('trigger.schedule')) queries++;
      };
      const list = async (limit: number) => {
        server.app.sequelize.addHook('afterQuery', 'count', counter);
        queries = 0;
        try {
          const res = await server.request('GET', `/api/subaccounts/${own.sid}/flows?limit=${limit}`, { token: ws.token });
          expect(res.status).to.equal(200);
          return { items: res.body.items as { id: string; name: string; graph: Graph; triggers: { nodeId: string; url: string }[] }[], queries };
        } finally {
          server.app.sequelize.removeHook('afterQuery', 'count');
        }
      };
      const two = await list(2);
      const twenty = await list(20);
      expect(two.items).to.have.length(2);
      expect(twenty.items.map((f) => f.id)).to.deep.equal(created);
      expect(twenty.queries).to.equal(two.queries);
      expect(twenty.queries).to.be.at.most(3);
      for (const [i, flow] of twenty.items.entries()) {
        expect(flow.name).to.equal(`Flow ${19 - i}`);
        expect(flow.graph.nodes[1].config).to.deep.equal({ value: 19 - i });
        expect(flow.triggers).to.have.length(1);
        expect(flow.triggers[0].url).to.match(/\/webhooks\/.+/);
      }
      expect(new Set(twenty.items.map((f) => f.triggers[0].url)).size).to.equal(20);
    });

    it('publishes the node catalog with schemas and ports', async () => {
      const res = await server.request('GET', '/api/nodes', { token: ws.token });
      expect(res.status).to.equal(200);
      const types = res.body.map((n: { type: string }) => n.type);
      expect(types).to.include.members(['trigger.manual', 'trigger.webhook', 'trigger.schedule', 'logic.set', 'logic.delay', 'logic.approval', 'http.request']);
      const approval = res.body.find((n: { type: string }) => n.type === 'logic.approval');
      expect(approval.outputs).to.deep.equal(['approved', 'rejected']);
      expect(approval.configSchema.required).to.deep.equal(['title']);
      expect((await server.request('GET', '/api/nodes')).status).to.equal(401);
    });
  });
}
