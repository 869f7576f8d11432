import { expect } from 'chai';
import { Op } from 'sequelize';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, type Graph, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency } from '../helpers/story.js';
import { until } from '../helpers/until.js';

const quickFlow: Graph = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook' },
    { id: 'reply', type: 'logic.set', config: { value: { got: '{{ $json.body.n }}' } } },
  ],
  edges: [{ source: 'hook', target: 'reply' }],
};

async function setUp(server: TestServer, graph: Graph): Promise<{ ws: Workspace; flowId: string; path: string }> {
  const agency = await registerAgency(server);
  const ws = { server, token: agency.token, sid: await createSubaccount(server, agency.token) };
  const flow = await createFlow(ws, graph);
  await activate(ws, flow.id);
  return { ws, flowId: flow.id, path: new URL(flow.triggers[0].url!).pathname };
}

for (const kind of databaseKinds) {
  describe(`inline backlog in the database (${kind.name})`, function () {
    this.timeout(60_000);

    it('drains a flood far past INLINE_BACKLOG at once, without waiting for the sweeper', async () => {
      const server = await startServer(kind, { CONCURRENCY: '2', INLINE_BACKLOG: '5' });
      try {
        // No sweeper at all: whatever waits in the database must be pulled by the dispatcher itself.
        await server.app.runtime.stopSweeper();
        const { flowId, path } = await setUp(server, quickFlow);
        const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => server.request('POST', path, { body: { n } })));
        expect(answers.map((a) => a.status)).to.deep.equal(Array(200).fill(202));
        const { Execution } = server.app.models;
        // A functional bound, not a speed target: the sweeper alone would never finish them (it is stopped).
        await until(async () => (await Execution.count({ where: { flowId, status: 'succeeded' } })) === 200, 15_000, 'all 200 executions succeeded');
        expect(await Execution.count({ where: { flowId, status: { [Op.ne]: 'succeeded' } } })).to.equal(0);
      } finally {
        await server.close();
      }
    });
  });
}
