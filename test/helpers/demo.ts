import type { Workspace } from './flows.js';
import type { TestServer } from './server.js';
import { uniqueEmail } from './story.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { DEMO } from '../../server/db/seed-demo.js';

/** The seeded demo sub-account, as a new owner of the demo agency (made in the database, then signed in) sees it. */
export async function demoWorkspace(server: TestServer): Promise<Workspace> {
  const email = uniqueEmail('demo');
  await server.app.models.User.create({ agencyId: DEMO.agencyId, email, passwordHash: await hashPassword('demo password long'), role: 'owner' });
  const login = await server.request('POST', '/api/auth/login', { body: { email, password: 'demo password long' } });
  return { server, token: login.body.token, sid: DEMO.subaccountId };
}
