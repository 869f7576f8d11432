import { runOneNode, type Workspace } from './flows.js';

/** Runs a flow of a manual trigger and one http.request node; returns that node's step and the execution. */
export const callHttpRequest = (ws: Workspace, config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  runOneNode(ws, { id: 'call', type: 'http.request', config, ...extra });
