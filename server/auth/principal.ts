import type { Role } from '../db/models/accounts.js';

/** Who is calling: a signed-in user, or an API key that stands for one sub-account. */
export interface Principal {
  kind: 'user' | 'apiKey';
  agencyId: string;
  role: Role;
  userId: string | null;
  sessionId: string | null;
  apiKeyId: string | null;
  /** The sub-accounts this principal may reach; null means every sub-account of the agency. */
  subaccountIds: string[] | null;
}

export const isAgencyAdmin = (p: Principal): boolean => p.kind === 'user' && (p.role === 'owner' || p.role === 'admin');
