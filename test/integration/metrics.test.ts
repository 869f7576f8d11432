import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, runAndWait, type Workspace, workspace } from '../helpers/flows.js';
import { sample } from '../helpers/metrics.js';
import { failingFlow, vipFlow } from '../helpers/runs.js';
import { startServer, type TestServer } from '../helpers/server.js';

const WEBHOOK_OUTCOMES = ['accepted', 'duplicate', 'refused_signature', 'not_found', 'method_not_allowed', 'too_large', 'bad_request', 'limited', 'overloaded', 'error'];

for (const kind of databaseKinds) {
  describe(`/metrics: steps, executions, queue and webhook intake (${kind.name})`, function () {
    this.timeout(30_000);
    let server: TestServer;
    let ws: Workspace;
    const scrape = async () => (await server.request('GET', '/metrics')).text;

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    it('times every step by node type and status, and counts executions by status and the queue', async () => {
      const vip = await createFlow(ws, vipFlow());
      expect((await runAndWait(ws, vip.id, { vip: true, name: 'Ada' })).status).to.equal('succeeded');
      expect((await runAndWait(ws, (await createFlow(ws, failingFlow)).id)).status).to.equal('failed');
      const text = await scrape();
      const steps = (type: string, status: string) => sample(text, 'switchboard_step_duration_seconds_count', { node_type: type, status });
      expect(steps('trigger.manual', 'succeeded')).to.equal(2);
      expect(steps('logic.condition', 'succeeded')).to.equal(1);
      expect(steps('logic.set', 'succeeded')).to.equal(2); // greet and done; "ignore" was skipped, not run
      expect(steps('logic.set', 'failed')).to.equal(1);
      expect(sample(text, 'switchboard_step_duration_seconds_bucket', { node_type: 'logic.set', status: 'succeeded', le: '+Inf' })).to.equal(2);
      expect(sample(text, 'switchboard_step_duration_seconds_sum', { node_type: 'logic.set', status: 'succeeded' })).to.be.above(0);
      // Labels stay bounded: a node type, never a node or execution id.
      expect(text).to.not.match(/node_id|execution_id|nodeId="/);
      expect(text).to.not.include('node_type="greet"');
      expect(sample(text, 'switchboard_executions', { status: 'succeeded' })).to.equal(1);
      expect(sample(text, 'switchboard_executions', { status: 'failed' })).to.equal(1);
      expect(sample(text, 'switchboard_queue_depth')).to.equal(0);
    });

    it('counts webhook deliveries by outcome, with their intake latency, and never names a token', async () => {
      const hookFlow = (config: Record<string, unknown>) => ({
        nodes: [{ id: 'hook', type: 'trigger.webhook', config }, { id: 'out', type: 'logic.set', config: { value: 1 } }],
        edges: [{ source: 'hook', target: 'out' }],
      });
      const hook = async (config: Record<string, unknown> = {}) => {
        const flow = await createFlow(ws, hookFlow(config));
        await activate(ws, flow.id);
        return new URL(flow.triggers[0].url!).pathname;
      };
      const before = await scrape();
      for (const outcome of WEBHOOK_OUTCOMES) {
        expect(sample(before, 'switchboard_webhook_requests_total', { outcome }), outcome).to.be.a('number');
      }
      const plain = await hook();
      const signed = await hook({ signature: { secret: 's3cret', header: 'X-Signature', prefix: 'sha256=' } });
      const postOnly = await hook({ methods: ['POST'] });
      const waiting = await hook({ respond: 'onCompleted' });
      const json = { 'content-type': 'application/json' };
      const statuses = [
        (await server.request('POST', plain, { body: { n: 1 } })).status,
        (await server.request('POST', waiting, { body: { n: 2 } })).status,
        (await server.request('POST', plain, { body: { n: 3 }, headers: { 'idempotency-key': 'k-1' } })).status,
        (await server.request('POST', plain, { body: { n: 3 }, headers: { 'idempotency-key': 'k-1' } })).status,
        (await server.request('POST', signed, { raw: '{}', headers: { ...json, 'x-signature': 'sha256=bad' } })).status,
        (await server.request('POST', signed, { raw: '{}', headers: { ...json, 'x-signature': `sha256=${createHmac('sha256', 's3cret').update('{}').digest('hex')}` } })).status,
        (await server.request('POST', '/webhooks/not-a-real-token', { body: {} })).status,
        (await server.request('GET', postOnly)).status,
        (await server.request('POST', plain, { raw: JSON.stringify({ x: 'y'.repeat(1024 * 1024 + 10) }), headers: json })).status,
        (await server.request('POST', plain, { raw: '{"a":', headers: json })).status,
      ];
      expect(statuses).to.deep.equal([202, 200, 202, 202, 401, 202, 404, 405, 413, 400]);
      const after = await scrape();
      const delta = (name: string, outcome: string) => sample(after, name, { outcome })! - sample(before, name, { outcome })!;
      const expected: Record<string, number> = { accepted: 4, duplicate: 1, refused_signature: 1, not_found: 1, method_not_allowed: 1, too_large: 1, bad_request: 1 };
      for (const outcome of WEBHOOK_OUTCOMES) {
        expect(delta('switchboard_webhook_requests_total', outcome), outcome).to.equal(expected[outcome] ?? 0);
        expect(delta('switchboard_webhook_intake_duration_seconds_count', outcome), outcome).to.equal(expected[outcome] ?? 0);
      }
      for (const path of [plain, signed, postOnly, waiting]) expect(after).to.not.include(path.split('/').pop());
    });
  });
}
