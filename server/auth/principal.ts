import type { Role } from '../db/models/accounts.js';

/** Who is calling: a signed-in user, or an API key that stands for one sub-account. */
export interface Principal {
  kind: 'user' | 'apiKey';
  agencyId: string;
  role: Role;
  userId: string | null;
  sessionId: string | null;
  apiKeyId: string | null;
  /** The user whose rights this principal carries: the user, or the API key's creator. */
  actorUserId: string;
  /** The sub-accounts this principal may reach; null means every sub-account of the agency. */
  subaccountIds: string[] | null;
  /** When the credential stops working by itself (session or key expiry); null: not by itself. */
  expiresAt: Date | null;
}

export const isAgencyAdmin = (p: Principal): boolean => p.kind === 'user' && (p.role === 'owner' || p.role === 'admin');
