import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlow, runAndWait, stepOf, waitForStatus, type Execution, type Workspace } from '../helpers/flows.js';
import { ServerProcess } from '../helpers/process.js';
import { createSubaccount, registerAgency } from '../helpers/story.js';

const EVIL_NAME = `${'a'.repeat(38)}!`;
// 200 million two-character pads, then a substring that spreads them into an array: gigabytes.
const HUNGRY = '{{ $substring($pad("", 200000000, "ab"), 0, 10) }}';
const regexRule = (left: string) => ({ rules: { rules: [{ left, operator: 'matches_regex', right: '^(a+)+$' }] } });

/** A Switchboard of its own (SQLite), so what is timed and measured is the server, not the test runner. */
async function startIsolated(env: Record<string, string> = {}) {
  const server = new ServerProcess({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-isolation-')),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  });
  await server.start();
  const client = server.client();
  const agency = await registerAgency(client);
  const ws: Workspace = { server: client, token: agency.token, sid: await createSubaccount(client, agency.token) };
  const other = (await registerAgency(client, 'Another agency')).token;
  // A server that has run flows has its evaluation processes started: time that, not their first start.
  const warm = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'w', type: 'logic.set', config: { value: '{{ $string(1) }}' } }], edges: [{ source: 't', target: 'w' }] });
  expect((await runAndWait(ws, warm.id)).status).to.equal('succeeded');
  return { server, ws, other };
}

/**
 * Starts an execution and, until it ends, probes `/health` and another agency's `GET /api/auth/me` back
 * to back: what every other tenant sees while this one's flow runs.
 */
async function runWhileTiming(server: ServerProcess, ws: Workspace, flowId: string, otherToken: string, input: unknown): Promise<Execution> {
  const client = server.client();
  const started = await client.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/run`, { token: ws.token, body: { input } });
  expect(started.status).to.equal(202);
  let done = false;
  const finished = waitForStatus(ws, started.body.executionId, ['succeeded', 'failed'], 60_000).finally(() => (done = true));
  let health = 0;
  let other = 0;
  let probes = 0;
  while (!done) {
    const t0 = performance.now();
    expect((await client.request('GET', '/health')).status).to.equal(200);
    const t1 = performance.now();
    expect((await client.request('GET', '/api/auth/me', { token: otherToken })).status).to.equal(200);
    health = Math.max(health, t1 - t0);
    other = Math.max(other, performance.now() - t1);
    probes++;
    await new Promise((r) => setTimeout(r, 20));
  }
  const execution = await finished;
  expect(probes, 'probes answered during the run').to.be.greaterThan(4);
  expect(health, 'slowest /health during the run (ms)').to.be.below(100);
  // Signed-in requests read the database (sessions, memberships); frozen, they took 30 s and more.
  expect(other, "slowest answer to another agency's request during the run (ms)").to.be.below(1000);
  return execution;
}

describe('no tenant can stall or crash the shared process', function () {
  this.timeout(120_000);
  let server: ServerProcess;
  let ws: Workspace;
  let other: string;

  before(async () => ({ server, ws, other } = await startIsolated()));
  after(() => server?.kill());

  async function flowOf(nodes: { id: string; type: string; config?: Record<string, unknown> }[]) {
    const ids = nodes.map((n) => n.id);
    return createFlow(ws, {
      nodes: [{ id: 't', type: 'trigger.manual' }, ...nodes],
      edges: ids.map((id, i) => ({ source: i ? ids[i - 1] : 't', target: id })),
    });
  }

  // Which limit a hungry built-in meets first depends on the machine's speed: either way the step fails naming it.
  function expectEitherLimit(execution: Execution, nodeId: string) {
    expect(execution.status).to.equal('failed');
    const error = stepOf(execution, nodeId).error!;
    expect(error.message).to.match(/(1000 ms time|128 MB memory) limit/);
    expect(['time_limit_exceeded', 'memory_limit_exceeded']).to.include(error.code);
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
    const execution = await runWhileTiming(server, ws, flow.id, other, { name: EVIL_NAME });
    expectLimit(execution, 'check', 'time_limit_exceeded', /1000 ms time limit/);
  });

  it('stops a backtracking regex inside a JSONata expression', async () => {
    const flow = await flowOf([{ id: 'set', type: 'logic.set', config: { value: '{{ $contains($json.name, /^(a+)+$/) }}' } }]);
    const execution = await runWhileTiming(server, ws, flow.id, other, { name: EVIL_NAME });
    expectLimit(execution, 'set', 'time_limit_exceeded', /1000 ms time limit/);
  });

  it('stops a built-in that grinds through 100 million characters instead of letting the step succeed', async () => {
    const flow = await flowOf([{ id: 'set', type: 'logic.set', config: { value: '{{ $length($pad("", 100000000)) }}' } }]);
    expectEitherLimit(await runWhileTiming(server, ws, flow.id, other, {}), 'set');
  });

  it('fails a step whose expression would take gigabytes at a limit, and this process does not grow', async () => {
    const before = server.rss();
    const flow = await flowOf([{ id: 'set', type: 'logic.set', config: { value: HUNGRY } }]);
    const execution = await runWhileTiming(server, ws, flow.id, other, {});
    expectEitherLimit(execution, 'set');
    expect(server.rss() - before, 'growth of the server process (bytes)').to.be.below(100 * 1024 * 1024);
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
    const execution = await runWhileTiming(server, ws, flow.id, other, { names: Array(5).fill(EVIL_NAME) });
    expect(execution.status).to.equal('succeeded');
    const done = stepOf(execution, 'after').output;
    expect(done.failed).to.equal(5);
    for (const result of done.results) expect(result.error.code).to.equal('time_limit_exceeded');
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
  let server: ServerProcess;
  let ws: Workspace;
  let other: string;

  // A generous time limit, so the memory limit is what stops the expression.
  before(async () => ({ server, ws, other } = await startIsolated({ SANDBOX_TIME_LIMIT_MS: '30000', SANDBOX_MEMORY_MB: '48' })));
  after(() => server?.kill());
  it('fails only the step that runs out of memory, naming the limit, and the next step evaluates again', async () => {
    const before = server.rss();
    const hungry = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'set', type: 'logic.set', config: { value: HUNGRY } }], edges: [{ source: 't', target: 'set' }] });
    const execution = await runWhileTiming(server, ws, hungry.id, other, {});
    expect(execution.status).to.equal('failed');
    const error = stepOf(execution, 'set').error!;
    expect(error.code, error.message).to.equal('memory_limit_exceeded');
    expect(error.message).to.match(/48 MB memory limit/);
    expect(server.rss() - before, 'growth of the server process (bytes)').to.be.below(100 * 1024 * 1024);

    const fine = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'set', type: 'logic.set', config: { value: '{{ $json.n * 2 }}' } }], edges: [{ source: 't', target: 'set' }] });
    expect(stepOf(await runAndWait(ws, fine.id, { n: 21 }), 'set').output).to.equal(42);
  });
});
