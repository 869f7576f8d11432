import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, stepOf, waitForStatus, type Execution, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency } from '../helpers/story.js';

const EVIL_NAME = `${'a'.repeat(38)}!`;
// 200 million two-character pads, then a substring that spreads them into an array: gigabytes.
const HUNGRY = '{{ $substring($pad("", 200000000, "ab"), 0, 10) }}';
const regexRule = (left: string) => ({ rules: { rules: [{ left, operator: 'matches_regex', right: '^(a+)+$' }] } });

/**
 * Starts an execution and, until it ends, times `/health` and another agency's `GET /api/auth/me`
 * back to back: what every other tenant would see while this one's flow runs.
 */
async function runWhileTiming(server: TestServer, ws: Workspace, flowId: string, otherToken: string, input: unknown) {
  const started = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/run`, { token: ws.token, body: { input } });
  expect(started.status).to.equal(202);
  let done = false;
  const finished = waitForStatus(ws, started.body.executionId, ['succeeded', 'failed'], 60_000).finally(() => (done = true));
  let slowest = 0;
  let probes = 0;
  while (!done) {
    for (const [path, token] of [['/health', undefined], ['/api/auth/me', otherToken]] as const) {
      const t0 = performance.now();
      const res = await server.request('GET', path, { token });
      const took = performance.now() - t0;
      if (took > 50) console.log(`slow probe ${path}: ${took.toFixed(0)} ms`);
      slowest = Math.max(slowest, took);
      expect(res.status).to.equal(200);
      probes++;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { execution: await finished, slowest, probes };
}

const sqlite = databaseKinds.find((k) => k.name === 'sqlite')!;

describe('no tenant can stall or crash the shared process', function () {
  this.timeout(120_000);
  let server: TestServer;
  let ws: Workspace;
  let other: string;

  before(async () => {
    server = await startServer(sqlite);
    const agency = await registerAgency(server);
    ws = { server, token: agency.token, sid: await createSubaccount(server, agency.token) };
    other = (await registerAgency(server, 'Another agency')).token;
  });
  after(() => server?.close());

  async function flowOf(nodes: { id: string; type: string; config?: Record<string, unknown> }[]) {
    const ids = nodes.map((n) => n.id);
    return createFlow(ws, {
      nodes: [{ id: 't', type: 'trigger.manual' }, ...nodes],
      edges: ids.map((id, i) => ({ source: i ? ids[i - 1] : 't', target: id })),
    });
  }

  function expectLimit(execution: Execution, nodeId: string, code: string, limit: RegExp) {
    expect(execution.status).to.equal('failed');
    const step = stepOf(execution, nodeId);
    expect(step.status).to.equal('failed');
    expect(step.error!.code, step.error!.message).to.equal(code);
    expect(step.error!.message).to.match(limit);
  }

  it('stops a backtracking regex in a condition rule at the time limit while every other request is answered at once', async () => {
    const flow = await flowOf([{ id: 'check', type: 'logic.condition', config: regexRule('{{ $json.name }}') }]);
    const { execution, slowest, probes } = await runWhileTiming(server, ws, flow.id, other, { name: EVIL_NAME });
    expectLimit(execution, 'check', 'time_limit_exceeded', /1000 ms time limit/);
    expect(probes).to.be.greaterThan(4);
    expect(slowest, 'slowest answer to another tenant (ms)').to.be.below(100);
  });

  it('stops a backtracking regex inside a JSONata expression', async () => {
    const flow = await flowOf([{ id: 'set', type: 'logic.set', config: { value: '{{ $contains($json.name, /^(a+)+$/) }}' } }]);
    const { execution, slowest } = await runWhileTiming(server, ws, flow.id, other, { name: EVIL_NAME });
    expectLimit(execution, 'set', 'time_limit_exceeded', /1000 ms time limit/);
    expect(slowest).to.be.below(100);
  });

  it('stops a built-in that grinds through 100 million characters instead of letting the step succeed', async () => {
    const flow = await flowOf([{ id: 'set', type: 'logic.set', config: { value: '{{ $length($pad("", 100000000)) }}' } }]);
    const { execution, slowest } = await runWhileTiming(server, ws, flow.id, other, {});
    expectLimit(execution, 'set', 'time_limit_exceeded', /1000 ms time limit/);
    expect(slowest).to.be.below(100);
  });

  it('fails a step whose expression would take gigabytes at a limit, and this process does not grow', async () => {
    const before = process.memoryUsage().rss;
    const flow = await flowOf([{ id: 'set', type: 'logic.set', config: { value: HUNGRY } }]);
    const { execution, slowest } = await runWhileTiming(server, ws, flow.id, other, {});
    // Which limit it meets first depends on the machine's speed: either way the step fails naming it.
    expect(execution.status).to.equal('failed');
    const error = stepOf(execution, 'set').error!;
    expect(error.message).to.match(/(1000 ms time|128 MB memory) limit/);
    expect(['time_limit_exceeded', 'memory_limit_exceeded']).to.include(error.code);
    expect(slowest).to.be.below(100);
    expect(process.memoryUsage().rss - before, 'growth of the server process (bytes)').to.be.below(100 * 1024 * 1024);
  });

  it('keeps serving during a loop whose every item runs into the limit, and reports each item', async () => {
    const flow = await createFlow(ws, {
      nodes: [
        { id: 't', type: 'trigger.manual' },
        { id: 'each', type: 'logic.forEach', config: { items: '{{ $json.names }}', onError: 'continue' } },
        { id: 'check', type: 'logic.condition', config: regexRule('{{ $json }}') },
        { id: 'after', type: 'logic.set', config: { value: '{{ $json }}' } },
      ],
      edges: [
        { source: 't', target: 'each' },
        { source: 'each', sourcePort: 'item', target: 'check' },
        { source: 'each', sourcePort: 'done', target: 'after' },
      ],
    });
    const { execution, slowest } = await runWhileTiming(server, ws, flow.id, other, { names: Array(5).fill(EVIL_NAME) });
    expect(execution.status).to.equal('succeeded');
    const done = stepOf(execution, 'after').output;
    expect(done.failed).to.equal(5);
    for (const result of done.results) expect(result.error.code).to.equal('time_limit_exceeded');
    expect(slowest).to.be.below(100);
  });

  it('evaluates ordinary expressions and rules as before once the sandbox has been killed', async () => {
    const flow = await createFlow(ws, {
      nodes: [
        { id: 't', type: 'trigger.manual' },
        { id: 'check', type: 'logic.condition', config: { rules: { rules: [{ left: '{{ $json.name }}', operator: 'matches_regex', right: '^a+$' }] } } },
        { id: 'set', type: 'logic.set', config: { value: { greeting: '{{ "hello " & $trigger.name }}', upper: '{{ $uppercase($json.name) }}' } } },
      ],
      edges: [
        { source: 't', target: 'check' },
        { source: 'check', sourcePort: 'true', target: 'set' },
      ],
    });
    const execution = await runAndWait(ws, flow.id, { name: 'aaa' });
    expect(execution.status).to.equal('succeeded');
    expect(stepOf(execution, 'check').output).to.deep.equal({ name: 'aaa' });
    expect(stepOf(execution, 'set').output).to.deep.equal({ greeting: 'hello aaa', upper: 'AAA' });
  });
});

describe('the memory limit of evaluation', function () {
  this.timeout(120_000);
  let server: TestServer;
  let ws: Workspace;
  let other: string;

  // A generous time limit, so the memory limit is what stops the expression.
  before(async () => {
    server = await startServer(sqlite, { SANDBOX_TIME_LIMIT_MS: '30000', SANDBOX_MEMORY_MB: '48' });
    const agency = await registerAgency(server);
    ws = { server, token: agency.token, sid: await createSubaccount(server, agency.token) };
    other = (await registerAgency(server, 'Another agency')).token;
  });
  after(() => server?.close());

  it('fails only the step that runs out of memory, naming the limit, and the next step evaluates again', async () => {
    const before = process.memoryUsage().rss;
    const hungry = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'set', type: 'logic.set', config: { value: HUNGRY } }], edges: [{ source: 't', target: 'set' }] });
    const { execution, slowest } = await runWhileTiming(server, ws, hungry.id, other, {});
    expect(execution.status).to.equal('failed');
    const error = stepOf(execution, 'set').error!;
    expect(error.code, error.message).to.equal('memory_limit_exceeded');
    expect(error.message).to.match(/48 MB memory limit/);
    expect(slowest).to.be.below(100);
    expect(process.memoryUsage().rss - before, 'growth of the server process (bytes)').to.be.below(100 * 1024 * 1024);

    const fine = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'set', type: 'logic.set', config: { value: '{{ $json.n * 2 }}' } }], edges: [{ source: 't', target: 'set' }] });
    expect(stepOf(await runAndWait(ws, fine.id, { n: 21 }), 'set').output).to.equal(42);
  });
});
