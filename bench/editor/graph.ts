import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/e2e/helpers/browser.js';
import { buildEditorIfStale } from '../../test/e2e/helpers/editor-build.js';
import { databaseKinds } from '../../test/helpers/databases.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { createSubaccount, registerAgency } from '../../test/helpers/story.js';

export const NODES = 500;

/** A manual trigger, then 499 Set nodes in a grid; every node after the trigger hangs off an earlier one. */
export function bigGraph() {
  const nodes = [{ id: 'n0', type: 'trigger.manual', config: {}, position: { x: 0, y: 0 } }];
  const edges = [];
  for (let i = 1; i < NODES; i++) {
    nodes.push({ id: `n${i}`, type: 'logic.set', config: { value: { step: i, email: '{{ $json.email }}' } } as never, position: { x: (i % 25) * 260, y: Math.floor(i / 25) * 120 } });
    edges.push({ source: `n${Math.floor((i - 1) / 2)}`, target: `n${i}` });
  }
  return { nodes, edges };
}

export interface BigFlowSession {
  server: TestServer;
  browser: Browser;
  token: string;
  sid: string;
  flowId: string;
}

/** A server (the editor built when stale) with a sub-account holding the 500-node flow, and Chromium. */
export async function bigFlowSession(): Promise<BigFlowSession> {
  buildEditorIfStale();
  const server = await startServer(databaseKinds[0]);
  const browser = await launchChromium();
  const owner = await registerAgency(server);
  const sid = await createSubaccount(server, owner.token);
  const flow = await server.request('POST', `/api/subaccounts/${sid}/flows`, { token: owner.token, body: { name: 'Big', graph: bigGraph() } });
  if (flow.status !== 201) throw new Error(`flow not created: ${flow.text}`);
  return { server, browser, token: owner.token, sid, flowId: flow.body.id };
}
