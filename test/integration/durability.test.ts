import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { createFlow, getExecution, stepOf, waitForStatus, type Workspace, workspace } from '../helpers/flows.js';
import { ServerProcess } from '../helpers/process.js';
import { json, startTarget, type Target } from '../helpers/target.js';

for (const kind of databaseKinds) {
  describe(`durability across kill -9 (${kind.name})`, function () {
    this.timeout(90_000);
    let database: TestDatabase;
    let target: Target;
    let server: ServerProcess;
    let ws: Workspace;

    before(async () => {
      database = await kind.create();
      target = await startTarget();
      server = new ServerProcess({
        DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-kill-')),
        ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        PORT: '0',
        LOG_LEVEL: 'info',
        ALLOW_PRIVATE_NETWORK: 'true',
        EXECUTION_LEASE_SECONDS: '2',
        CODE_TIME_LIMIT_MS: '5000',
        ...(database.url ? { DATABASE_URL: database.url } : {}),
      });
      await server.start();
      const client = server.client();
      ws = await workspace(client);
    });
    after(async () => {
      await server?.kill();
      await target?.close();
      await database?.drop();
    });

    async function restart(): Promise<void> {
      await server.kill();
      await server.start();
      ws.server = server.client();
    }

    it('resumes an execution killed in the middle of a step, keeping finished steps and not running them again', async () => {
      let slowCalls = 0;
      target.route('/first', (_req, res, hit) => json(res, 200, { first: hit }));
      target.route('/slow', (_req, res) => {
        slowCalls++;
        setTimeout(() => json(res, 200, { slow: slowCalls }), slowCalls === 1 ? 30_000 : 10);
      });
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'first', type: 'http.request', config: { url: `${target.url}/first` } },
          { id: 'slow', type: 'http.request', config: { url: `${target.url}/slow` } },
          { id: 'last', type: 'logic.set', config: { value: { first: '{{ $node.first.body.first }}', slow: '{{ $json.body.slow }}' } } },
        ],
        edges: [
          { source: 't', target: 'first' },
          { source: 'first', target: 'slow' },
          { source: 'slow', target: 'last' },
        ],
      });
      const run = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: {} });
      const deadline = Date.now() + 10_000;
      while (slowCalls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(slowCalls).to.equal(1);
      const before = await getExecution(ws, run.body.executionId);
      expect(before.status).to.equal('running');
      const firstBefore = stepOf(before, 'first');

      await restart();
      const after = await waitForStatus(ws, run.body.executionId, ['succeeded', 'failed'], 30_000);
      expect(after.status).to.equal('succeeded');
      expect(target.hits.get('/first')).to.equal(1, 'a finished step is not run again');
      expect(stepOf(after, 'first')).to.deep.equal(firstBefore);
      expect(stepOf(after, 'last').output).to.deep.equal({ first: 1, slow: 2 });
    });

    /** A flow t → before (HTTP) → `middle` → after (HTTP), both routes counting their hits from 0. */
    async function aroundFlow(middle: { id: string; type: string; config: Record<string, unknown> }, after: Record<string, unknown> = {}) {
      for (const path of ['/before', '/after']) target.hits.delete(path);
      target.route('/before', (_req, res, hit) => json(res, 200, { before: hit }));
      target.route('/after', (_req, res, hit) => json(res, 200, { after: hit }));
      return createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'before', type: 'http.request', config: { url: `${target.url}/before` } },
          middle,
          { id: 'after', type: 'http.request', config: { url: `${target.url}/after`, ...after } },
        ],
        edges: [
          { source: 't', target: 'before' },
          { source: 'before', target: middle.id },
          { source: middle.id, target: 'after' },
        ],
      });
    }

    it('runs a code step lost to kill -9 again, without running the side-effecting step before it again', async () => {
      // Busy for 2 s, so the kill lands while it runs (its step is committed with the next side effect).
      const flow = await aroundFlow(
        { id: 'code', type: 'code.javascript', config: { timeLimitMs: 5000, code: 'const end = Date.now() + 2000; while (Date.now() < end); return { doubled: input.body.before * 2 };' } },
        { method: 'POST', body: { doubled: '{{ $json.doubled }}' } },
      );
      const run = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: {} });
      const deadline = Date.now() + 10_000;
      while (!target.hits.get('/before') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 500));
      expect(target.hits.get('/after') ?? 0).to.equal(0, 'the kill must land before the step after the code');
      await restart();
      const done = await waitForStatus(ws, run.body.executionId, ['succeeded', 'failed'], 30_000);
      expect(done.status).to.equal('succeeded');
      expect(target.hits.get('/before')).to.equal(1, 'the committed step before the code is not run again');
      expect(target.hits.get('/after')).to.equal(1);
      expect(stepOf(done, 'code').output).to.deep.equal({ doubled: 2 });
    });

    /** kill -9 the server, let `pauseMs` pass (a delay falls due meanwhile), start it again, and wait for the execution to end. */
    async function killWaitRestart(executionId: string, pauseMs: number) {
      await server.kill();
      await new Promise((r) => setTimeout(r, pauseMs));
      await server.start();
      ws.server = server.client();
      return waitForStatus(ws, executionId, ['succeeded', 'failed'], 30_000);
    }

    it('resumes an execution killed while it waits in a delay, after the delay', async () => {
      const flow = await aroundFlow({ id: 'pause', type: 'logic.delay', config: { amount: 3, unit: 'seconds' } });
      const run = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: {} });
      const waiting = await waitForStatus(ws, run.body.executionId, ['waiting']);
      expect(stepOf(waiting, 'pause').status).to.equal('waiting');
      const done = await killWaitRestart(run.body.executionId, 3500);
      expect(done.status).to.equal('succeeded');
      expect(target.hits.get('/before')).to.equal(1);
      expect(target.hits.get('/after')).to.equal(1);
      expect(stepOf(done, 'pause').status).to.equal('succeeded');
    });

    it('resumes a flow.call across kill -9: the child finishes its delay and the waiting parent goes on with its result', async () => {
      target.route('/child-after', (_req, res, hit) => json(res, 200, { childAfter: hit }));
      const child = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'pause', type: 'logic.delay', config: { amount: 3, unit: 'seconds' } },
          { id: 'after', type: 'http.request', config: { url: `${target.url}/child-after` } },
        ],
        edges: [
          { source: 't', target: 'pause' },
          { source: 'pause', target: 'after' },
        ],
      });
      const parent = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'flow.call', config: { flowId: child.id } },
        ],
        edges: [{ source: 't', target: 'call' }],
      });
      const run = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${parent.id}/run`, { token: ws.token, body: {} });
      const waiting = await waitForStatus(ws, run.body.executionId, ['waiting']);
      expect(stepOf(waiting, 'call').status).to.equal('waiting');
      const done = await killWaitRestart(run.body.executionId, 3500);
      expect(done.status).to.equal('succeeded');
      expect(stepOf(done, 'call').output.body).to.deep.equal({ childAfter: 1 });
      expect(target.hits.get('/child-after')).to.equal(1);
    });

    it('fails a poison execution after its process died under it three times, instead of resuming it forever', async () => {
      // Stands for a step that takes down whatever process runs it: each time it starts, the process dies.
      target.route('/poison', () => undefined);
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'poison', type: 'http.request', config: { url: `${target.url}/poison` } },
        ],
        edges: [{ source: 't', target: 'poison' }],
      });
      const run = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: {} });
      const reached = async (hits: number) => {
        const deadline = Date.now() + 20_000;
        while ((target.hits.get('/poison') ?? 0) < hits && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(target.hits.get('/poison')).to.equal(hits);
      };
      for (let crash = 1; crash <= 3; crash++) {
        await reached(crash);
        await restart();
      }
      const failed = await waitForStatus(ws, run.body.executionId, ['succeeded', 'failed'], 30_000);
      expect(failed.status).to.equal('failed');
      expect(failed.error!.message).to.match(/stopped 3 times while it was running/);
      expect(target.hits.get('/poison')).to.equal(3, 'the fourth process does not run the step again');
      // The process that refused it keeps running other executions.
      const fine = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'ok', type: 'logic.set', config: { value: '{{ 6 * 7 }}' } }], edges: [{ source: 't', target: 'ok' }] });
      const ok = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${fine.id}/run?wait=true`, { token: ws.token, body: {} });
      expect(ok.body.status).to.equal('succeeded');
    });

    it('keeps and runs a webhook that was answered just before the kill', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 'hook', type: 'trigger.webhook' },
          { id: 'pause', type: 'logic.delay', config: { amount: 1, unit: 'seconds' } },
          { id: 'done', type: 'logic.set', config: { value: '{{ $trigger.body.n }}' } },
        ],
        edges: [
          { source: 'hook', target: 'pause' },
          { source: 'pause', target: 'done' },
        ],
      });
      await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/activate`, { token: ws.token });
      const path = new URL(flow.triggers[0].url!).pathname;
      const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => ws.server.request('POST', path, { body: { n } })));
      expect(answers.every((a) => a.status === 202)).to.equal(true);
      await restart();
      for (const [i, answer] of answers.entries()) {
        const done = await waitForStatus(ws, answer.body.executionId, ['succeeded', 'failed'], 30_000);
        expect(done.status).to.equal('succeeded');
        expect(stepOf(done, 'done').output).to.equal(i + 1);
      }
    });
  });
}
