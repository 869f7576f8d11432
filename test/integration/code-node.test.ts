import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, runAndWait, stepOf, waitForStatus, type Graph, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';

const code = (id: string, source: string, extra: Record<string, unknown> = {}) => ({ id, type: 'code.javascript', config: { code: source, ...extra } });

/** A manual trigger followed by the given nodes in a chain. */
function chain(...nodes: Graph['nodes']): Graph {
  const ids = ['start', ...nodes.map((n) => n.id)];
  return { nodes: [{ id: 'start', type: 'trigger.manual' }, ...nodes], edges: ids.slice(1).map((id, i) => ({ source: ids[i], target: id })) };
}

for (const kind of databaseKinds) {
  describe(`code.javascript through the API (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let ws: Workspace;

    before(async () => {
      server = await startServer(kind);
      ws = await workspace(server);
    });
    after(async () => server?.close());

    it('a webhook delivery is reshaped by code that sees input, $trigger, $node and $execution, with its console in the logs', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 'hook', type: 'trigger.webhook', config: { respond: 'onCompleted' } },
          { id: 'prices', type: 'logic.set', config: { value: { vat: 0.2 } } },
          code(
            'total',
            `const lines = $trigger.body.lines;
             const net = lines.reduce((sum, l) => sum + l.qty * l.price, 0);
             console.log('lines', lines.length);
             if (net > 1000) console.warn('large order');
             return { customer: $trigger.body.customer.toUpperCase(), net, gross: Math.round(net * (1 + input.vat) * 100) / 100, vatFrom: $node.prices, flowId: $execution.flowId, template: \`{{ not an expression }}\` };`,
          ),
        ],
        edges: [
          { source: 'hook', target: 'prices' },
          { source: 'prices', target: 'total' },
        ],
      });
      await activate(ws, flow.id);
      const res = await server.request('POST', new URL(flow.triggers[0].url!).pathname, { body: { customer: 'ada', lines: [{ qty: 2, price: 300 }, { qty: 1, price: 500 }] } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.equal({ customer: 'ADA', net: 1100, gross: 1320, vatFrom: { vat: 0.2 }, flowId: flow.id, template: '{{ not an expression }}' });
      const executionId = res.headers.get('x-execution-id') ?? (await server.request('GET', `/api/subaccounts/${ws.sid}/executions?flowId=${flow.id}`, { token: ws.token })).body.items[0].id;
      const execution = await waitForStatus(ws, executionId, ['succeeded']);
      expect(stepOf(execution, 'total').logs).to.deep.equal(['lines 2', 'warn: large order']);
    });

    it('a thrown error fails the step and the execution with its message', async () => {
      const flow = await createFlow(ws, chain(code('check', 'if (!input.email) throw new Error("email is required"); return input;')));
      const execution = await runAndWait(ws, flow.id, { name: 'no email' });
      expect(execution.status).to.equal('failed');
      expect(stepOf(execution, 'check').error).to.deep.include({ message: 'email is required', code: 'script_error', retryable: false });
      expect((await runAndWait(ws, flow.id, { email: 'a@b.c' })).status).to.equal('succeeded');
    });

    it('with the error port wired, the failure becomes data for the error branch', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 'start', type: 'trigger.manual' },
          code('parse', 'return JSON.parse(input.raw);'),
          code('fallback', 'return { recovered: true, reason: input.message, code: input.code };'),
          { id: 'ok', type: 'logic.set', config: { value: { parsed: '{{ $json }}' } } },
        ],
        edges: [
          { source: 'start', target: 'parse' },
          { source: 'parse', target: 'ok' },
          { source: 'parse', sourcePort: 'error', target: 'fallback' },
        ],
      });
      const broken = await runAndWait(ws, flow.id, { raw: '{oops' });
      expect(broken.status).to.equal('succeeded');
      expect(stepOf(broken, 'fallback').output).to.deep.include({ recovered: true, code: 'script_error' });
      expect(stepOf(broken, 'fallback').output.reason).to.match(/^SyntaxError: /);
      expect(stepOf(broken, 'ok').status).to.equal('skipped');
      const fine = await runAndWait(ws, flow.id, { raw: '{"a":1}' });
      expect(stepOf(fine, 'ok').output).to.deep.equal({ parsed: { a: 1 } });
      expect(stepOf(fine, 'fallback').status).to.equal('skipped');
    });

    it('names the limit a script broke, refuses limits above the ceiling, and reports code that does not parse', async () => {
      const flow = await createFlow(ws, chain(code('spin', 'while (true) {}', { timeLimitMs: 100 })));
      const spun = await runAndWait(ws, flow.id);
      expect(stepOf(spun, 'spin').error).to.deep.include({ code: 'time_limit_exceeded', retryable: false });
      expect(stepOf(spun, 'spin').error!.message).to.include('time limit of 100 ms');
      const hungry = await createFlow(ws, chain(code('eat', 'const a = []; for (;;) a.push(new Array(1e5).fill(1));', { memoryMb: 8 })));
      const ate = await runAndWait(ws, hungry.id);
      expect(stepOf(ate, 'eat').error).to.deep.include({ code: 'memory_limit_exceeded' });
      expect(stepOf(ate, 'eat').error!.message).to.include('memory limit of 8 MB');
      const greedy = await createFlow(ws, chain(code('big', 'return 1', { timeLimitMs: 60_000 })));
      const refused = await runAndWait(ws, greedy.id);
      expect(stepOf(refused, 'big').error).to.deep.include({ code: 'limit_above_ceiling' });
      expect(stepOf(refused, 'big').error!.message).to.include('CODE_TIME_LIMIT_MS');
      const broken = await createFlow(ws, chain(code('typo', 'return {')));
      expect(stepOf(await runAndWait(ws, broken.id), 'typo').error).to.deep.include({ code: 'syntax_error' });
      // The process still runs code after all that.
      const after = await createFlow(ws, chain(code('fine', 'return input.n * 2')));
      expect(stepOf(await runAndWait(ws, after.id, { n: 21 }), 'fine').output).to.equal(42);
    });

    it('shows no global one execution set to the next, nor to another sub-account', async () => {
      const flow = await createFlow(ws, chain(code('remember', 'const seen = globalThis.previous ?? null; const proto = ({}).mark ?? null; globalThis.previous = input.mark; Object.prototype.mark = input.mark; return { seen, proto };')));
      const first = await runAndWait(ws, flow.id, { mark: 'one' });
      const second = await runAndWait(ws, flow.id, { mark: 'two' });
      expect(stepOf(first, 'remember').output).to.deep.equal({ seen: null, proto: null });
      expect(stepOf(second, 'remember').output).to.deep.equal({ seen: null, proto: null });
      const other = await workspace(server, 'Other agency');
      const theirs = await createFlow(other, chain(code('look', 'return [typeof previous, ({}).mark ?? null];')));
      expect(stepOf(await runAndWait(other, theirs.id), 'look').output).to.deep.equal(['undefined', null]);
      expect(({} as Record<string, unknown>).mark, "the server's own Object.prototype").to.equal(undefined);
    });

    it('refuses a node without code, with code that is not a string, or with limits out of range, naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{}, '/graph/nodes/1/config/code'],
        [{ code: 42 }, '/graph/nodes/1/config/code'],
        [{ code: '' }, '/graph/nodes/1/config/code'],
        [{ code: 'return 1', timeLimitMs: 0 }, '/graph/nodes/1/config/timeLimitMs'],
        [{ code: 'return 1', memoryMb: 1 }, '/graph/nodes/1/config/memoryMb'],
        [{ code: 'x'.repeat(100_001) }, '/graph/nodes/1/config/code'],
        [{ code: 'return 1', require: 'fs' }, '/graph/nodes/1/config/require'],
      ];
      for (const [config, path] of cases) {
        const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
          token: ws.token,
          body: { name: 'bad code', graph: { nodes: [{ id: 'start', type: 'trigger.manual' }, { id: 'c', type: 'code.javascript', config }], edges: [{ source: 'start', target: 'c' }] } },
        });
        expect(res.status, JSON.stringify(config).slice(0, 80)).to.equal(400);
        expect(res.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(res.body.error.details)).to.include(path);
      }
    });

    it('is in the node catalog with a JavaScript code widget and main and error ports', async () => {
      const res = await server.request('GET', '/api/nodes', { token: ws.token });
      const node = res.body.find((n: { type: string }) => n.type === 'code.javascript');
      expect(node.outputs).to.deep.equal(['main', 'error']);
      expect(node.uiSchema.code).to.deep.equal({ 'ui:widget': 'code', 'ui:options': { language: 'javascript' } });
      expect(node.configSchema.required).to.deep.equal(['code']);
    });
  });
}
