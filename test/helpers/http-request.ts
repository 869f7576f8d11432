import { createFlow, runAndWait, stepOf, type Workspace } from './flows.js';

/** Runs a flow of a manual trigger and one http.request node; returns that node's step and the execution. */
export async function callHttpRequest(ws: Workspace, config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const flow = await createFlow(ws, {
    nodes: [
      { id: 't', type: 'trigger.manual' },
      { id: 'call', type: 'http.request', config, ...extra },
    ],
    edges: [{ source: 't', target: 'call' }],
  });
  const execution = await runAndWait(ws, flow.id);
  return { step: stepOf(execution, 'call'), execution };
}
