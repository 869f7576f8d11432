import { expect } from 'chai';
import type { Workspace } from './flows.js';

/** Connects the sub-account to a (fake) GoHighLevel location through the API; returns the integration id. */
export async function connectGhl(ws: Workspace, config: Record<string, unknown>, name = 'GoHighLevel'): Promise<string> {
  const res = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/integrations`, { token: ws.token, body: { template: 'gohighlevel', name, config } });
  expect(res.status, res.text).to.equal(201);
  return res.body.id;
}

export async function integrationOf(ws: Workspace, id: string) {
  const res = await ws.server.request('GET', `/api/subaccounts/${ws.sid}/integrations/${id}`, { token: ws.token });
  expect(res.status, res.text).to.equal(200);
  return res.body as { status: string; lastError: string | null; config: Record<string, unknown> };
}
