import { expect } from 'chai';
import { newId } from '../../server/db/columns.js';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, getExecution, runAndWait, stepOf, waitForStatus, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { json, startTarget, type Target } from '../helpers/target.js';

const condition = (left: string, operator: string, right?: unknown) => ({
  rules: { combinator: 'and', rules: [{ left, operator, ...(right !== undefined ? { right } : {}) }] },
});

for (const kind of databaseKinds) {
  describe(`engine semantics (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    let target: Target;

    before(async () => {
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
      ws = await workspace(server);
      target = await startTarget();
    });
    after(async () => {
      await target?.close();
      await server?.close();
    });

    it('routes on a condition, skips the branch not taken and everything only it reaches, and joins by parent id', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'big', type: 'logic.condition', config: condition('{{ $json.amount }}', 'gt', 100) },
          { id: 'vip', type: 'logic.set', config: { value: 'vip' } },
          { id: 'vipMore', type: 'logic.set', config: { value: '{{ $json & "!" }}' } },
          { id: 'small', type: 'logic.set', config: { value: 'small' } },
          { id: 'tag', type: 'logic.set', config: { value: '{{ $trigger.amount }}' } },
          { id: 'join', type: 'logic.set', config: { value: '{{ $json }}' } },
        ],
        edges: [
          { source: 't', target: 'big' },
          { source: 'big', sourcePort: 'true', target: 'vip' },
          { source: 'vip', target: 'vipMore' },
          { source: 'big', sourcePort: 'false', target: 'small' },
          { source: 't', target: 'tag' },
          { source: 'small', target: 'join' },
          { source: 'tag', target: 'join' },
        ],
      });
      const small = await runAndWait(ws, flow.id, { amount: 5 });
      expect(small.status).to.equal('succeeded');
      expect(stepOf(small, 'vip').status).to.equal('skipped');
      expect(stepOf(small, 'vipMore').status).to.equal('skipped');
      expect(stepOf(small, 'small').output).to.equal('small');
      expect(stepOf(small, 'join').output).to.deep.equal({ small: 'small', tag: 5 });

      const big = await runAndWait(ws, flow.id, { amount: 500 });
      expect(stepOf(big, 'vipMore').output).to.equal('vip!');
      expect(stepOf(big, 'small').status).to.equal('skipped');
      expect(stepOf(big, 'join').output).to.equal(500, 'with one live parent, $json is that parent’s output');
    });

    it('picks the first matching switch case, else default', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          {
            id: 'route',
            type: 'logic.switch',
            config: {
              cases: [
                { port: 'sms', rules: condition('{{ $json.channel }}', 'equals', 'sms').rules },
                { port: 'mail', rules: condition('{{ $json.channel }}', 'contains', 'mail').rules },
              ],
            },
          },
          { id: 'a', type: 'logic.set', config: { value: 'A' } },
          { id: 'b', type: 'logic.set', config: { value: 'B' } },
          { id: 'c', type: 'logic.set', config: { value: 'C' } },
        ],
        edges: [
          { source: 't', target: 'route' },
          { source: 'route', sourcePort: 'sms', target: 'a' },
          { source: 'route', sourcePort: 'mail', target: 'b' },
          { source: 'route', sourcePort: 'default', target: 'c' },
        ],
      });
      const ran = async (channel: string) => {
        const e = await runAndWait(ws, flow.id, { channel });
        return ['a', 'b', 'c'].filter((id) => stepOf(e, id).status === 'succeeded');
      };
      expect(await ran('sms')).to.deep.equal(['a']);
      expect(await ran('email')).to.deep.equal(['b']);
      expect(await ran('fax')).to.deep.equal(['c']);
    });

    it('fails a condition with a clear message for an uncomparable pair', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'c', type: 'logic.condition', config: condition('{{ $json.name }}', 'gt', 5) },
        ],
        edges: [{ source: 't', target: 'c' }],
      });
      const execution = await runAndWait(ws, flow.id, { name: 'abc' });
      expect(execution.status).to.equal('failed');
      expect(stepOf(execution, 'c').error!.message).to.match(/"abc".*5/);
    });

    it('retries a retryable failure with backoff and succeeds', async () => {
      target.route('/flaky', (_req, res, hit) => (hit < 3 ? json(res, 503, { busy: true }) : json(res, 200, { ok: hit })));
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'http.request', config: { url: `${target.url}/flaky` }, retry: { maxAttempts: 4, backoff: { initialMs: 20, factor: 2, maxMs: 100 } } },
        ],
        edges: [{ source: 't', target: 'call' }],
      });
      const execution = await runAndWait(ws, flow.id);
      expect(execution.status, JSON.stringify(execution.steps)).to.equal('succeeded');
      const step = stepOf(execution, 'call');
      expect(step.attempt).to.equal(3);
      expect(step.output.body).to.deep.equal({ ok: 3 });
      expect(step.logs.filter((l) => l.includes('retrying'))).to.have.length(2);
    });

    it('does not retry a 4xx, and routes the failure to a wired error port', async () => {
      target.route('/missing', (_req, res) => json(res, 404, { error: 'nope' }));
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'http.request', config: { url: `${target.url}/missing` }, retry: { maxAttempts: 3 } },
          { id: 'ok', type: 'logic.set', config: { value: 'fine' } },
          { id: 'handle', type: 'logic.set', config: { value: { failed: '{{ $json.nodeId }}', why: '{{ $json.message }}' } } },
        ],
        edges: [
          { source: 't', target: 'call' },
          { source: 'call', target: 'ok' },
          { source: 'call', sourcePort: 'error', target: 'handle' },
        ],
      });
      const before = target.hits.get('/missing') ?? 0;
      const execution = await runAndWait(ws, flow.id);
      expect(target.hits.get('/missing')! - before).to.equal(1);
      expect(execution.status).to.equal('succeeded');
      expect(stepOf(execution, 'call').status).to.equal('failed');
      expect(stepOf(execution, 'ok').status).to.equal('skipped');
      expect(stepOf(execution, 'handle').output.failed).to.equal('call');
      expect(stepOf(execution, 'handle').output.why).to.include('404');
    });

    it('times a slow node out, and fails the execution when no error port is wired', async () => {
      target.route('/slow', (_req, res) => setTimeout(() => json(res, 200, {}), 2000));
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'http.request', config: { url: `${target.url}/slow` }, timeoutMs: 200 },
        ],
        edges: [{ source: 't', target: 'call' }],
      });
      const execution = await runAndWait(ws, flow.id);
      expect(execution.status).to.equal('failed');
      expect(stepOf(execution, 'call').error).to.include({ code: 'timeout', retryable: true });
    });

    it('refuses private addresses unless ALLOW_PRIVATE_NETWORK is set', async () => {
      const strict = await startServer(kind);
      try {
        const w = await workspace(strict);
        const flow = await createFlow(w, {
          nodes: [
            { id: 't', type: 'trigger.manual' },
            { id: 'call', type: 'http.request', config: { url: `${target.url}/anything` } },
          ],
          edges: [{ source: 't', target: 'call' }],
        });
        const execution = await runAndWait(w, flow.id);
        expect(stepOf(execution, 'call').error).to.include({ code: 'private_network' });
      } finally {
        await strict.close();
      }
    });

    it('retries a failed execution from its failed step, reusing finished outputs', async () => {
      let healthy = false;
      target.route('/later', (_req, res) => (healthy ? json(res, 200, { fixed: true }) : json(res, 400, { bad: true })));
      target.route('/count', (_req, res, hit) => json(res, 200, { hit }));
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'first', type: 'http.request', config: { url: `${target.url}/count` } },
          { id: 'second', type: 'http.request', config: { url: `${target.url}/later` } },
        ],
        edges: [
          { source: 't', target: 'first' },
          { source: 'first', target: 'second' },
        ],
      });
      const failed = await runAndWait(ws, flow.id, { n: 1 });
      expect(failed.status).to.equal('failed');
      const countBefore = target.hits.get('/count');
      healthy = true;
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${failed.id}/retry`, { token: ws.token });
      expect(res.status).to.equal(202);
      const retried = await waitForStatus(ws, res.body.executionId, ['succeeded', 'failed']);
      expect(retried.status).to.equal('succeeded');
      expect(target.hits.get('/count')).to.equal(countBefore, 'the finished step is not run again');
      expect(stepOf(retried, 'first').output.body).to.deep.equal(stepOf(failed, 'first').output.body);
      expect(stepOf(retried, 'second').output.body).to.deep.equal({ fixed: true });
      const again = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${retried.id}/retry`, { token: ws.token });
      expect(again.status).to.equal(409);
    });

    it('cancels a running execution: the HTTP call is aborted and the status is cancelled', async () => {
      target.route('/hang', (_req, res) => setTimeout(() => json(res, 200, {}), 10_000));
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'http.request', config: { url: `${target.url}/hang` } },
          { id: 'after', type: 'logic.set', config: { value: 1 } },
        ],
        edges: [
          { source: 't', target: 'call' },
          { source: 'call', target: 'after' },
        ],
      });
      const started = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: {} });
      await waitForStatus(ws, started.body.executionId, ['running']);
      await new Promise((r) => setTimeout(r, 100));
      const cancel = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${started.body.executionId}/cancel`, { token: ws.token });
      expect(cancel.status).to.equal(200);
      expect(cancel.body.status).to.equal('cancelled');
      await new Promise((r) => setTimeout(r, 200));
      const execution = await getExecution(ws, started.body.executionId);
      expect(execution.status).to.equal('cancelled');
      expect(execution.steps.find((s) => s.nodeId === 'after')).to.equal(undefined);
      expect(server.app.runtime.executor.activeCount).to.equal(0);
      const twice = await server.request('POST', `/api/subaccounts/${ws.sid}/executions/${started.body.executionId}/cancel`, { token: ws.token });
      expect(twice.status).to.equal(409);
    });

    it('caps a huge step output in the store and says so', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'huge', type: 'logic.set', config: { value: '{{ $pad("", 1100000, "x") }}' } },
          { id: 'len', type: 'logic.set', config: { value: '{{ $length($json) }}' } },
        ],
        edges: [
          { source: 't', target: 'huge' },
          { source: 'huge', target: 'len' },
        ],
      });
      const execution = await runAndWait(ws, flow.id);
      expect(execution.status).to.equal('succeeded');
      const huge = stepOf(execution, 'huge') as unknown as { output: unknown; outputTruncated: { limit: number; bytes: number } };
      expect(huge.output).to.equal(null);
      expect(huge.outputTruncated.limit).to.equal(1024 * 1024);
      expect(stepOf(execution, 'len').output).to.equal(1_100_000, 'children still get the whole value');
    });

    it('starts the error flow with the failure when an execution fails', async () => {
      const errorFlow = await createFlow(ws, {
        nodes: [
          { id: 'on', type: 'trigger.manual' },
          { id: 'note', type: 'logic.set', config: { value: { failed: '{{ $json.execution.id }}', message: '{{ $json.execution.error.message }}' } } },
        ],
        edges: [{ source: 'on', target: 'note' }],
      });
      const flow = await createFlow(
        ws,
        {
          nodes: [
            { id: 't', type: 'trigger.manual' },
            { id: 'boom', type: 'logic.set', config: { value: '{{ $error("kaboom") }}' } },
          ],
          edges: [{ source: 't', target: 'boom' }],
        },
        'Fragile',
        { errorFlowId: errorFlow.id },
      );
      const failed = await runAndWait(ws, flow.id);
      expect(failed.status).to.equal('failed');
      const deadline = Date.now() + 5000;
      let handled;
      while (!handled && Date.now() < deadline) {
        const list = await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${errorFlow.id}&status=succeeded`, { token: ws.token });
        handled = list.body.items[0];
        if (!handled) await new Promise((r) => setTimeout(r, 50));
      }
      const detail = await getExecution(ws, handled.id);
      expect(stepOf(detail, 'note').output).to.deep.equal({ failed: failed.id, message: failed.error!.message });
    });

    it('runs a forEach branch per element, bounded in concurrency, and collects results on done', async () => {
      let inFlight = 0;
      let peak = 0;
      target.route('/enrich', (req, res) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        const id = new URL(req.url!, 'http://x').searchParams.get('id');
        setTimeout(() => {
          inFlight--;
          json(res, 200, { id: Number(id), score: Number(id) * 10 });
        }, 50);
      });
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'each', type: 'logic.forEach', config: { items: '{{ $json.contacts }}', concurrency: 2 } },
          { id: 'call', type: 'http.request', config: { url: `${target.url}/enrich`, query: { id: '{{ $json.id }}' } } },
          { id: 'pick', type: 'logic.set', config: { value: '{{ $json.body.score }}' } },
          { id: 'sum', type: 'logic.set', config: { value: { total: '{{ $sum($json.results.output) }}', n: '{{ $json.succeeded }}' } } },
        ],
        edges: [
          { source: 't', target: 'each' },
          { source: 'each', sourcePort: 'item', target: 'call' },
          { source: 'call', target: 'pick' },
          { source: 'each', sourcePort: 'done', target: 'sum' },
        ],
      });
      const contacts = [1, 2, 3, 4, 5].map((id) => ({ id }));
      const execution = await runAndWait(ws, flow.id, { contacts });
      expect(execution.status).to.equal('succeeded');
      expect(peak).to.equal(2);
      expect(stepOf(execution, 'sum').output).to.deep.equal({ total: 150, n: 5 });
      expect(stepOf(execution, 'each').output.results.map((r: { output: number }) => r.output)).to.deep.equal([10, 20, 30, 40, 50]);
      expect(stepOf(execution, 'pick').output).to.deep.equal([10, 20, 30, 40, 50]);
    });

    it('forEach failure policy: stop fails the loop, continue reports failed items', async () => {
      target.route('/odd', (req, res) => {
        const n = Number(new URL(req.url!, 'http://x').searchParams.get('n'));
        if (n % 2) json(res, 422, { odd: n });
        else json(res, 200, { even: n });
      });
      const graph = (onError: string) => ({
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'each', type: 'logic.forEach', config: { items: '{{ $json.n }}', onError } },
          { id: 'call', type: 'http.request', config: { url: `${target.url}/odd`, query: { n: '{{ $json }}' } } },
          { id: 'after', type: 'logic.set', config: { value: '{{ $json.failed }}' } },
        ],
        edges: [
          { source: 't', target: 'each' },
          { source: 'each', sourcePort: 'item', target: 'call' },
          { source: 'each', sourcePort: 'done', target: 'after' },
        ],
      });
      const stop = await runAndWait(ws, (await createFlow(ws, graph('stop'))).id, { n: [2, 3, 4] });
      expect(stop.status).to.equal('failed');
      expect(stepOf(stop, 'each').error!.message).to.include('item 1');
      const cont = await runAndWait(ws, (await createFlow(ws, graph('continue'))).id, { n: [2, 3, 4] });
      expect(cont.status).to.equal('succeeded');
      expect(stepOf(cont, 'after').output).to.equal(1);
      expect(stepOf(cont, 'each').output.results[1].error.message).to.include('422');
    });

    it('refuses a forEach branch that waits or is entered from outside', async () => {
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: {
          name: 'bad loop',
          graph: {
            nodes: [
              { id: 't', type: 'trigger.manual' },
              { id: 'each', type: 'logic.forEach', config: { items: '{{ $json.list }}' } },
              { id: 'pause', type: 'logic.delay', config: { amount: 1, unit: 'seconds' } },
              { id: 'side', type: 'logic.set', config: { value: 1 } },
            ],
            edges: [
              { source: 't', target: 'each' },
              { source: 'each', sourcePort: 'item', target: 'pause' },
              { source: 'each', sourcePort: 'item', target: 'side' },
              { source: 't', target: 'side' },
            ],
          },
        },
      });
      expect(res.status).to.equal(400);
      const messages = res.body.error.details.map((d: { message: string }) => d.message).join('\n');
      expect(messages).to.include('"pause" (Delay) cannot run inside');
      expect(messages).to.include('cannot also be reached from "t"');
    });

    it('prunes finished executions older than the retention, keeping recent and unfinished ones', async () => {
      const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }] });
      const old = await runAndWait(ws, flow.id);
      const recent = await runAndWait(ws, flow.id);
      const { Execution, Step } = server.app.models;
      await Execution.update({ finishedAt: new Date(Date.now() - 3 * 86_400_000) }, { where: { id: old.id } });
      const removed = await server.app.runtime.prune(2);
      expect(removed).to.be.greaterThanOrEqual(1);
      expect(await Execution.findByPk(old.id)).to.equal(null);
      expect(await Step.count({ where: { executionId: old.id } })).to.equal(0);
      expect(await Execution.findByPk(recent.id)).to.not.equal(null);
      expect(await server.app.runtime.prune(0)).to.equal(0, 'retention 0 keeps everything');
    });

    it('prunes a backlog larger than one batch completely, batch after batch', async () => {
      const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }] });
      const template = (await server.app.models.Execution.findByPk((await runAndWait(ws, flow.id)).id))!.get({ plain: true }) as Record<string, unknown>;
      const { Execution } = server.app.models;
      const aged = new Date(Date.now() - 3 * 86_400_000);
      const rows = Array.from({ length: 1200 }, () => ({ ...template, id: newId(), finishedAt: aged }));
      await Execution.bulkCreate(rows as never[]);
      expect(await server.app.runtime.prune(2)).to.be.at.least(1200);
      expect(await Execution.count({ where: { id: rows.map((r) => r.id) } })).to.equal(0);
      expect(await Execution.findByPk(template.id as string)).to.not.equal(null, 'the recent run stays');
    });

    it('with EXECUTION_RETENTION_MINUTES prunes by minutes, and inbox rows without an idempotency key with their executions', async () => {
      const sibling = await startServer(kind, { EXECUTION_RETENTION_MINUTES: '5' }, server);
      try {
        const flow = await createFlow(ws, { nodes: [{ id: 'hook', type: 'trigger.webhook' }] });
        await activate(ws, flow.id);
        const path = new URL(flow.triggers[0].url!).pathname;
        const plain = await server.request('POST', path, { body: { n: 1 } });
        const keyed = await server.request('POST', path, { body: { n: 2 }, headers: { 'idempotency-key': 'retention-minutes' } });
        const recent = await server.request('POST', path, { body: { n: 3 } });
        for (const res of [plain, keyed, recent]) await waitForStatus(ws, res.body.executionId, ['succeeded']);
        const { Execution, WebhookEvent } = server.app.models;
        const aged = [plain.body.executionId, keyed.body.executionId];
        const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
        await Execution.update({ finishedAt: sixMinutesAgo }, { where: { id: aged } });
        await WebhookEvent.update({ createdAt: sixMinutesAgo }, { where: { executionId: aged } });

        expect(await server.app.runtime.prune()).to.equal(0, 'the default 30 days keep them');
        expect(await sibling.app.runtime.prune()).to.be.greaterThanOrEqual(2);
        expect(await Execution.count({ where: { id: aged } })).to.equal(0);
        expect(await Execution.count({ where: { id: recent.body.executionId } })).to.equal(1);
        const inbox = await WebhookEvent.findAll({ where: { flowId: flow.id } });
        expect(inbox.map((e) => e.executionId).sort()).to.deep.equal([keyed.body.executionId, recent.body.executionId].sort(), 'a keyed row stays for the 24 h dedupe window');
      } finally {
        await sibling.close();
      }
    });

    it('lists executions by flow and status with a cursor, and refuses bad filters', async () => {
      const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }] });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await runAndWait(ws, flow.id)).id);
      const base = `/api/subaccounts/${ws.sid}/executions?flowId=${flow.id}`;
      const page1 = await server.request('GET', `${base}&limit=2`, { token: ws.token });
      expect(page1.body.items.map((e: { id: string }) => e.id)).to.deep.equal([ids[2], ids[1]]);
      const page2 = await server.request('GET', `${base}&limit=2&cursor=${page1.body.nextCursor}`, { token: ws.token });
      expect(page2.body.items.map((e: { id: string }) => e.id)).to.deep.equal([ids[0]]);
      expect((await server.request('GET', `${base}&status=exploded`, { token: ws.token })).status).to.equal(400);
      expect((await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=nope`, { token: ws.token })).status).to.equal(400);
    });
  });
}
