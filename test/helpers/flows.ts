import { createSubaccount, registerAgency, type Client } from './story.js';

export interface Graph {
  nodes: { id: string; type: string; config?: Record<string, unknown>; retry?: unknown; timeoutMs?: number }[];
  edges?: { source: string; target: string; sourcePort?: string }[];
}

export interface Workspace {
  server: Client;
  token: string;
  sid: string;
}

/** A new agency with one sub-account, as its owner sees it. */
export async function workspace(server: Client, agencyName?: string): Promise<Workspace> {
  const agency = await registerAgency(server, agencyName);
  return { server, token: agency.token, sid: await createSubaccount(server, agency.token) };
}

export async function createFlow(ws: Workspace, graph: Graph, name = 'A flow', extra: Record<string, unknown> = {}) {
  const res = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows`, { token: ws.token, body: { name, graph, ...extra } });
  if (res.status !== 201) throw new Error(`create flow failed: ${res.status} ${res.text}`);
  return res.body as { id: string; version: number; triggers: { nodeId: string; type: string; url?: string; nextRuns?: string[] }[] };
}

/** Runs a flow of a manual trigger and one node; returns that node's step and the execution. */
export async function runOneNode(ws: Workspace, node: Graph['nodes'][number], input: unknown = {}) {
  const flow = await createFlow(ws, { nodes: [{ id: 't', type: 'trigger.manual' }, node], edges: [{ source: 't', target: node.id }] });
  const execution = await runAndWait(ws, flow.id, input);
  return { step: stepOf(execution, node.id), execution };
}

export async function activate(ws: Workspace, flowId: string) {
  const res = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/activate`, { token: ws.token });
  if (res.status !== 200) throw new Error(`activate failed: ${res.status} ${res.text}`);
  return res.body;
}

export async function runAndWait(ws: Workspace, flowId: string, input: unknown = {}) {
  const res = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/run?wait=true`, { token: ws.token, body: { input } });
  if (res.status !== 200) throw new Error(`run failed: ${res.status} ${res.text}`);
  return res.body as Execution;
}

export interface Step {
  nodeId: string;
  status: string;
  attempt: number;
  output: any;
  error: { message: string; code?: string; retryable: boolean } | null;
  logs: string[];
}

export interface Execution {
  id: string;
  status: string;
  flowVersion: number;
  error: { message: string } | null;
  steps: Step[];
}

export async function getExecution(ws: Workspace, executionId: string): Promise<Execution> {
  const res = await ws.server.request('GET', `/api/subaccounts/${ws.sid}/executions/${executionId}`, { token: ws.token });
  if (res.status !== 200) throw new Error(`get execution failed: ${res.status} ${res.text}`);
  return res.body;
}

/** Polls until the execution reaches one of the statuses. */
export async function waitForStatus(ws: Workspace, executionId: string, statuses: string[], timeoutMs = 15_000): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await getExecution(ws, executionId);
    if (statuses.includes(execution.status)) return execution;
    if (Date.now() > deadline) throw new Error(`execution ${executionId} is ${execution.status}, not ${statuses.join('/')}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const stepOf = (execution: Execution, nodeId: string): Step => {
  const step = execution.steps.find((s) => s.nodeId === nodeId);
  if (!step) throw new Error(`no step ${nodeId} in ${JSON.stringify(execution.steps.map((s) => s.nodeId))}`);
  return step;
};
