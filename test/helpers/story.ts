import { randomBytes } from 'node:crypto';
import type { TestServer } from './server.js';

/** Anything that can send API requests: an in-process test server or a spawned one. */
export type Client = Pick<TestServer, 'request'>;

export interface Agency {
  token: string;
  userId: string;
  agencyId: string;
  email: string;
  password: string;
}

export const uniqueEmail = (tag = 'user') => `${tag}-${randomBytes(4).toString('hex')}@example.com`;

/** Registers a new agency and returns its owner's credentials. */
export async function registerAgency(server: Client, agencyName = 'Acme Agency'): Promise<Agency> {
  const email = uniqueEmail('owner');
  const password = 'correct horse battery';
  const res = await server.request('POST', '/api/auth/register', { body: { email, password, agencyName } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { token: res.body.token, userId: res.body.user.id, agencyId: res.body.agency.id, email, password };
}

export async function createSubaccount(server: Client, token: string, name = 'Client A'): Promise<string> {
  const res = await server.request('POST', '/api/subaccounts', { token, body: { name } });
  if (res.status !== 201) throw new Error(`create sub-account failed: ${res.status} ${res.text}`);
  return res.body.id;
}

/** Adds a user with a role (and sub-accounts) to the agency and signs them in. */
export async function addUser(server: Client, ownerToken: string, role: string, subaccountIds: string[] = []): Promise<string> {
  const email = uniqueEmail(role);
  const password = 'another long password';
  const created = await server.request('POST', '/api/users', { token: ownerToken, body: { email, password, role, subaccountIds } });
  if (created.status !== 201) throw new Error(`create user failed: ${created.status} ${created.text}`);
  const login = await server.request('POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  return login.body.token;
}
