import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, runAndWait, stepOf, waitForStatus, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';

const condition = (left: string, operator: string, right?: unknown) => ({
  rules: { combinator: 'and', rules: [{ left, operator, ...(right !== undefined ? { right } : {}) }] },
});

for (const kind of databaseKinds) {
  describe(`flow control: logic.stop and webhook.respond (${kind.name})`, function () {
    this.timeout(30_000);
    let server: TestServer;
    let ws: Workspace;

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(() => server?.close());

    const hookPath = async (graph: Parameters<typeof createFlow>[1]) => {
      const flow = await createFlow(ws, graph);
      await activate(ws, flow.id);
      return new URL(flow.triggers[0].url!).pathname;
    };

    it('logic.stop ends a validation branch as failed with the user’s own message, and the rest does not run', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'valid', type: 'logic.condition', config: condition('{{ $json.email }}', 'is_not_empty') },
          { id: 'reject', type: 'logic.stop', config: { status: 'failed', message: 'No email in {{ $json.name }}’s lead' } },
          { id: 'go', type: 'logic.set', config: { value: 'processed' } },
        ],
        edges: [
          { source: 't', target: 'valid' },
          { source: 'valid', sourcePort: 'false', target: 'reject' },
          { source: 'valid', sourcePort: 'true', target: 'go' },
        ],
      });
      const failed = await runAndWait(ws, flow.id, { name: 'Ann' });
      expect(failed.status).to.equal('failed');
      expect(failed.error?.message).to.equal('No email in Ann’s lead');
      expect(stepOf(failed, 'reject').status).to.equal('failed');
      expect(stepOf(failed, 'go').status).to.equal('skipped');

      const passed = await runAndWait(ws, flow.id, { name: 'Bo', email: 'bo@example.com' });
      expect(passed.status).to.equal('succeeded');
      expect(stepOf(passed, 'go').output).to.equal('processed');
    });

    it('logic.stop with status succeeded ends the execution succeeded before later nodes run', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'done', type: 'logic.stop', config: { status: 'succeeded', message: 'nothing to do' } },
          { id: 'a', type: 'logic.set', config: { value: 1 } },
          { id: 'b', type: 'logic.set', config: { value: 2 } },
        ],
        edges: [
          { source: 't', target: 'done' },
          { source: 't', target: 'a' },
          { source: 'a', target: 'b' },
        ],
      });
      const execution = await runAndWait(ws, flow.id, {});
      expect(execution.status).to.equal('succeeded');
      expect(execution.error).to.equal(null);
      expect(stepOf(execution, 'done').status).to.equal('succeeded');
      expect(execution.steps.find((s) => s.nodeId === 'b')?.status ?? 'not run').to.not.equal('succeeded');
    });

    it('logic.stop inside a forEach branch ends only that item, also when the run resumes after waiting', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'each', type: 'logic.forEach', config: { items: '{{ $json.items }}' } },
          { id: 'skip', type: 'logic.stop', config: { status: 'succeeded', message: 'nothing to do for this item' } },
          { id: 'pause', type: 'logic.delay', config: { amount: 1, unit: 'seconds' } },
          { id: 'after', type: 'logic.set', config: { value: 'went on' } },
        ],
        edges: [
          { source: 't', target: 'each' },
          { source: 'each', sourcePort: 'item', target: 'skip' },
          { source: 'each', sourcePort: 'done', target: 'pause' },
          { source: 'pause', target: 'after' },
        ],
      });
      const run = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: { input: { items: [1, 2] } } });
      const done = await waitForStatus(ws, run.body.executionId, ['succeeded', 'failed'], 20_000);
      expect(done.status).to.equal('succeeded');
      expect(stepOf(done, 'after').output).to.equal('went on', 'the resumed run went past the stop inside the loop');
    });

    it('webhook.respond answers the waiting request with its status, headers and body while the flow goes on', async () => {
      const path = await hookPath({
        nodes: [
          { id: 'hook', type: 'trigger.webhook', config: { respond: 'onResponseNode' } },
          {
            id: 'answer',
            type: 'webhook.respond',
            config: { status: 201, headers: { 'X-Flow': 'yes', 'Content-Length': '1' }, body: { received: '{{ $json.body.id }}' } },
          },
          { id: 'later', type: 'logic.delay', config: { amount: 2, unit: 'seconds' } },
          { id: 'after', type: 'logic.set', config: { value: 'went on' } },
        ],
        edges: [
          { source: 'hook', target: 'answer' },
          { source: 'answer', target: 'later' },
          { source: 'later', target: 'after' },
        ],
      });
      const res = await server.request('POST', path, { body: { id: 'lead-7' } });
      expect(res.status).to.equal(201);
      expect(res.headers.get('x-flow')).to.equal('yes');
      expect(res.body).to.deep.equal({ received: 'lead-7' });
      const executions = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?limit=1`, { token: ws.token });
      const id = executions.body.items[0].id as string;
      expect(['running', 'waiting']).to.include(executions.body.items[0].status, 'answered before the flow ended');
      const finished = await waitForStatus(ws, id, ['succeeded', 'failed']);
      expect(finished.status).to.equal('succeeded');
      expect(stepOf(finished, 'after').output).to.equal('went on');
    });

    it('a text body is sent as text; with no respond node reached it answers as onCompleted does', async () => {
      const path = await hookPath({
        nodes: [
          { id: 'hook', type: 'trigger.webhook', config: { respond: 'onResponseNode' } },
          { id: 'known', type: 'logic.condition', config: condition('{{ $json.body.known }}', 'is_true') },
          { id: 'answer', type: 'webhook.respond', config: { status: 200, body: 'OK {{ $json.body.name }}' } },
          { id: 'fallback', type: 'logic.set', config: { value: { unknown: true } } },
        ],
        edges: [
          { source: 'hook', target: 'known' },
          { source: 'known', sourcePort: 'true', target: 'answer' },
          { source: 'known', sourcePort: 'false', target: 'fallback' },
        ],
      });
      const text = await server.request('POST', path, { body: { known: true, name: 'Cy' } });
      expect(text.status).to.equal(200);
      expect(text.headers.get('content-type')).to.match(/^text\/plain/);
      expect(text.text).to.equal('OK Cy');

      const fallback = await server.request('POST', path, { body: { known: false } });
      expect(fallback.status).to.equal(200);
      expect(fallback.body).to.deep.equal({ unknown: true });
    });

    it('refuses response headers that could split the response, at save', async () => {
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: {
          name: 'bad',
          graph: {
            nodes: [
              { id: 'hook', type: 'trigger.webhook', config: { respond: 'onResponseNode' } },
              { id: 'answer', type: 'webhook.respond', config: { headers: { 'X-A': 'ok\r\nSet-Cookie: x=1' } } },
            ],
            edges: [{ source: 'hook', target: 'answer' }],
          },
        },
      });
      expect(res.status).to.equal(400);
      expect(JSON.stringify(res.body.error.details)).to.include('/graph/nodes/1/config/headers');
    });
  });
}
