import type { Workspace } from './flows.js';
import type { TestServer } from './server.js';
import { createSubaccount, registerAgency, type Agency } from './story.js';
import { dayOf } from '../../server/billing/clock.js';

/** A new agency that already ran `executions` executions today (this month's usage), with a sub-account. */
export async function agencyWithUsage(server: TestServer, executions: number): Promise<{ agency: Agency; ws: Workspace }> {
  const agency = await registerAgency(server);
  await server.app.models.UsageDay.create({ agencyId: agency.agencyId, day: dayOf(new Date()), executions });
  return { agency, ws: { server, token: agency.token, sid: await createSubaccount(server, agency.token) } };
}
