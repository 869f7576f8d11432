import type { AgencyRow, ApiKeyRow, SubaccountRow, UserRow } from '../db/models/accounts.js';

/** How stored rows are shown to API callers: never a hash, always ISO times. */
const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export const presentUser = (u: UserRow, subaccountIds?: string[] | null) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  agencyId: u.agencyId,
  ...(subaccountIds !== undefined ? { subaccountIds } : {}),
  createdAt: iso(u.createdAt),
});

export const presentAgency = (a: AgencyRow) => ({ id: a.id, name: a.name, plan: a.plan, createdAt: iso(a.createdAt) });

export const presentSubaccount = (s: SubaccountRow) => ({
  id: s.id,
  agencyId: s.agencyId,
  name: s.name,
  timezone: s.timezone,
  createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt),
});

export const presentApiKey = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  subaccountId: k.subaccountId,
  createdById: k.createdById,
  expiresAt: iso(k.expiresAt),
  lastUsedAt: iso(k.lastUsedAt),
  createdAt: iso(k.createdAt),
});

export { iso };
