import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, getExecution, runAndWait, stepOf, waitForStatus, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';

for (const kind of databaseKinds) {
  describe(`flow.call: sub-flows as child executions (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let ws: Workspace;

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(() => server?.close());

    const start = async (flowId: string, input: unknown) => {
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/run`, { token: ws.token, body: { input } });
      expect(res.status).to.equal(202);
      return res.body.executionId as string;
    };

    it('runs the child with the given input, waits holding no process, and continues with its result; parent and child link', async () => {
      const child = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'pause', type: 'logic.delay', config: { amount: 1, unit: 'seconds' } },
          { id: 'double', type: 'logic.set', config: { value: { doubled: '{{ $trigger.n * 2 }}' } } },
        ],
        edges: [
          { source: 't', target: 'pause' },
          { source: 'pause', target: 'double' },
        ],
      }, 'Double it');
      const parent = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'flow.call', config: { flowId: child.id, input: { n: '{{ $json.n }}' } } },
          { id: 'use', type: 'logic.set', config: { value: '{{ $json.doubled + 1 }}' } },
        ],
        edges: [
          { source: 't', target: 'call' },
          { source: 'call', target: 'use' },
        ],
      });
      const id = await start(parent.id, { n: 20 });
      const waiting = await waitForStatus(ws, id, ['waiting', 'succeeded', 'failed']);
      expect(waiting.status).to.equal('waiting', 'the parent parks while its child runs');
      const done = await waitForStatus(ws, id, ['succeeded', 'failed']);
      expect(done.status).to.equal('succeeded', JSON.stringify(done.error));
      expect(stepOf(done, 'call').output).to.deep.equal({ doubled: 40 });
      expect(stepOf(done, 'use').output).to.equal(41);

      const links = (await server.request('GET', `/api/subaccounts/${ws.sid}/executions/${id}`, { token: ws.token })).body;
      expect(links.children).to.have.length(1);
      expect(links.children[0]).to.include({ flowId: child.id, status: 'succeeded' });
      const childExecution = (await server.request('GET', `/api/subaccounts/${ws.sid}/executions/${links.children[0].id}`, { token: ws.token })).body;
      expect(childExecution.parentExecutionId).to.equal(id);
      expect(childExecution.trigger.type).to.equal('call');
      expect(childExecution.input).to.deep.equal({ n: 20 });
    });

    it('brings the child’s failure to the parent’s error port, or fails the parent with it', async () => {
      const child = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'no', type: 'logic.stop', config: { status: 'failed', message: 'customer {{ $json.id }} is blocked' } },
        ],
        edges: [{ source: 't', target: 'no' }],
      });
      const routed = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'flow.call', config: { flowId: child.id } },
          { id: 'handle', type: 'logic.set', config: { value: { handled: '{{ $json.message }}' } } },
        ],
        edges: [
          { source: 't', target: 'call' },
          { source: 'call', sourcePort: 'error', target: 'handle' },
        ],
      });
      const handled = await waitForStatus(ws, await start(routed.id, { id: 'c-9' }), ['succeeded', 'failed']);
      expect(handled.status).to.equal('succeeded');
      expect(stepOf(handled, 'handle').output).to.deep.equal({ handled: 'customer c-9 is blocked' });

      const unrouted = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'flow.call', config: { flowId: child.id } },
        ],
        edges: [{ source: 't', target: 'call' }],
      });
      const failed = await waitForStatus(ws, await start(unrouted.id, { id: 'c-10' }), ['succeeded', 'failed']);
      expect(failed.status).to.equal('failed');
      expect(failed.error?.message).to.include('customer c-10 is blocked');
    });

    it('refuses a flow that calls itself past the depth limit, with a clear error', async () => {
      const self = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }], edges: [] }, 'Recursive');
      const saved = await server.request('PUT', `/api/subaccounts/${ws.sid}/flows/${self.id}`, {
        token: ws.token,
        body: {
          name: 'Recursive',
          graph: {
            nodes: [
              { id: 't', type: 'trigger.manual' },
              { id: 'again', type: 'flow.call', config: { flowId: self.id } },
            ],
            edges: [{ source: 't', target: 'again' }],
          },
        },
      });
      expect(saved.status).to.equal(200);
      const failed = await waitForStatus(ws, await start(self.id, {}), ['succeeded', 'failed'], 30_000);
      expect(failed.status).to.equal('failed');
      expect(failed.error?.message).to.include('levels deep');
      const all = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${self.id}&limit=50`, { token: ws.token });
      expect(all.body.items.length).to.equal(11, 'the top execution and ten nested calls; the eleventh is refused');
    });

    it('with waitForCompletion false continues at once with the child’s execution id; a missing flow is a clear error', async () => {
      const child = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }], edges: [] });
      const detached = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'flow.call', config: { flowId: child.id, waitForCompletion: false } },
        ],
        edges: [{ source: 't', target: 'call' }],
      });
      const done = await waitForStatus(ws, await start(detached.id, {}), ['succeeded', 'failed']);
      expect(done.status).to.equal('succeeded');
      const childId = stepOf(done, 'call').output.executionId as string;
      expect((await waitForStatus(ws, childId, ['succeeded'])).status).to.equal('succeeded');

      const missing = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'flow.call', config: { flowId: '0190d0c4-0000-7000-8000-000000000000' } },
        ],
        edges: [{ source: 't', target: 'call' }],
      });
      const failed = await runAndWait(ws, missing.id, {});
      const final = failed.status === 'failed' ? failed : await waitForStatus(ws, failed.id, ['failed', 'succeeded']);
      expect(final.status).to.equal('failed');
      expect(final.error?.message).to.include('no flow');
      expect((await getExecution(ws, final.id)).steps.find((s) => s.nodeId === 'call')?.error?.code).to.equal('flow_not_found');
    });
  });
}
