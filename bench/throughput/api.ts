import type { Child } from './processes.js';

/** The flow under test: webhook → logic.condition → logic.set (CONTRACT §5). */
const BASE_GRAPH = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook' },
    {
      id: 'check',
      type: 'logic.condition',
      config: { rules: { combinator: 'and', rules: [{ left: '{{ $json.body.email }}', operator: 'is_not_empty' }] } },
    },
    { id: 'shape', type: 'logic.set', config: { value: { email: '{{ $json.body.email }}', ok: true } } },
  ],
  edges: [
    { source: 'hook', target: 'check' },
    { source: 'check', sourcePort: 'true', target: 'shape' },
  ],
};

/** `BENCH_CODE=1` adds a `code.javascript` step: issue 9's hot-path flow, webhook → condition → set → code. */
export const WITH_CODE = process.env.BENCH_CODE === '1';
const CODE_NODE = { id: 'code', type: 'code.javascript', config: { code: "return { ...input, domain: input.email.split('@')[1] };" } };
export const BENCH_GRAPH = WITH_CODE ? { nodes: [...BASE_GRAPH.nodes, CODE_NODE], edges: [...BASE_GRAPH.edges, { source: 'shape', target: 'code' }] } : BASE_GRAPH;
const LAST_STEP = WITH_CODE ? { id: 'code', output: { email: 'lead@example.com', ok: true, domain: 'example.com' } } : { id: 'shape', output: { email: 'lead@example.com', ok: true } };

export const BENCH_BODY = JSON.stringify({ email: 'lead@example.com' });

export interface BenchFlow {
  flowId: string;
  /** Path of the webhook URL, e.g. /webhooks/abc… */
  webhookPath: string;
}

export interface Workspace {
  base: string;
  token: string;
  sid: string;
}

async function call(base: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function expectStatus(base: string, method: string, path: string, status: number, token?: string, body?: unknown): Promise<any> {
  const res = await call(base, method, path, token, body);
  if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls GET /health until it answers 200; fails early when the process exits. */
export async function waitHealthy(base: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = child.exited();
    if (exit) throw new Error(`${child.name} exited (code ${exit.code}, signal ${exit.signal}) before it was healthy:\n${child.tail()}`);
    const healthy = await fetch(`${base}/health`).then((r) => r.status === 200, () => false);
    if (healthy) return;
    if (Date.now() > deadline) throw new Error(`${child.name} not healthy after ${timeoutMs} ms:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls a reference server's URL with the benchmark body until it answers 202 (Node-RED: its flow is deployed and runs). */
export async function waitAccepts(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = child.exited();
    if (exit) throw new Error(`${child.name} exited (code ${exit.code}, signal ${exit.signal}) before it answered 202:\n${child.tail()}`);
    const status = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BENCH_BODY, signal: AbortSignal.timeout(2000) }).then(
      async (r) => (await r.arrayBuffer(), r.status),
      () => 0,
    );
    if (status === 202) return;
    if (Date.now() > deadline) throw new Error(`${child.name}: ${url} did not answer 202 within ${timeoutMs} ms (last status ${status}):\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Registers an agency and creates a sub-account through the public API. */
export async function createWorkspace(base: string): Promise<Workspace> {
  const email = `bench-${Date.now().toString(36)}@example.com`;
  const registered = await expectStatus(base, 'POST', '/api/auth/register', 201, undefined, { email, password: 'benchmark password', agencyName: 'Bench Agency' });
  const token = String(registered.token);
  const subaccount = await expectStatus(base, 'POST', '/api/subaccounts', 201, token, { name: 'Bench Client' });
  return { base, token, sid: String(subaccount.id) };
}

/** Creates and activates the benchmark flow; returns its webhook path. */
export async function createActiveFlow(ws: Workspace, name: string): Promise<BenchFlow> {
  const flow = await expectStatus(ws.base, 'POST', `/api/subaccounts/${ws.sid}/flows`, 201, ws.token, { name, graph: BENCH_GRAPH });
  await expectStatus(ws.base, 'POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/activate`, 200, ws.token);
  const trigger = (flow.triggers as { nodeId: string; url?: string }[]).find((t) => t.nodeId === 'hook');
  if (!trigger?.url) throw new Error(`flow ${flow.id} has no webhook URL in triggers: ${JSON.stringify(flow.triggers)}`);
  return { flowId: String(flow.id), webhookPath: new URL(trigger.url).pathname };
}

/**
 * Checks that the newest execution of the flow really ran the graph: hook, check and shape succeeded,
 * and shape produced {email, ok: true}. Returns a problem, or null.
 */
export async function verifyExecution(ws: Workspace, flowId: string): Promise<string | null> {
  const list = await expectStatus(ws.base, 'GET', `/api/subaccounts/${ws.sid}/executions?flowId=${flowId}&status=succeeded&limit=1`, 200, ws.token);
  const id = (list.items as { id: string }[])[0]?.id;
  if (!id) return 'no succeeded execution to inspect';
  const execution = await expectStatus(ws.base, 'GET', `/api/subaccounts/${ws.sid}/executions/${id}`, 200, ws.token);
  const steps = new Map((execution.steps as { nodeId: string; status: string; output: unknown }[]).map((s) => [s.nodeId, s]));
  const statuses = BENCH_GRAPH.nodes.map((n) => `${n.id}=${steps.get(n.id)?.status ?? 'missing'}`);
  if (statuses.some((s) => !s.endsWith('=succeeded'))) return `execution ${id}: ${statuses.join(', ')}`;
  const output = JSON.stringify(steps.get(LAST_STEP.id)!.output);
  return output === JSON.stringify(LAST_STEP.output) ? null : `execution ${id}: ${LAST_STEP.id} output ${output}`;
}

export interface WarmUp {
  accepted: number;
  failed: number;
  /** Requests not sent because the time ran out. */
  skipped: number;
}

/**
 * Sends up to `count` webhook requests, `parallel` at a time, from this process (JIT warm-up, not
 * measured). Stops sending after `timeoutMs`; a request that fails or takes over 30 s counts as failed.
 */
export async function warmUp(base: string, path: string, count: number, parallel = 10, timeoutMs = 60_000): Promise<WarmUp> {
  const deadline = Date.now() + timeoutMs;
  let next = 0;
  const result: WarmUp = { accepted: 0, failed: 0, skipped: 0 };
  const send = async () => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BENCH_BODY, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return res.ok;
  };
  const lane = async () => {
    while (next < count && Date.now() < deadline) {
      next++;
      const ok = await send().catch(() => false);
      if (ok) result.accepted++;
      else result.failed++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  result.skipped = count - next;
  return result;
}
