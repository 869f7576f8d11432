import { expect } from 'chai';
import type { Workspace } from './flows.js';

/** Connects an integration of `template` in the workspace's sub-account through the API; returns its id. */
export async function connectIntegration(ws: Workspace, template: string, name: string, config: Record<string, unknown>): Promise<string> {
  const res = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/integrations`, { token: ws.token, body: { template, name, config } });
  expect(res.status, `connect ${template}: ${res.text}`).to.equal(201);
  return res.body.id;
}

/** An integration as the API shows it (secrets masked). */
export async function integrationOf(ws: Workspace, id: string) {
  const res = await ws.server.request('GET', `/api/subaccounts/${ws.sid}/integrations/${id}`, { token: ws.token });
  expect(res.status, res.text).to.equal(200);
  return res.body as { status: string; lastError: string | null; config: Record<string, unknown> };
}
