import { Op } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { Role } from '../db/models/accounts.js';
import type { Principal } from './principal.js';
import { API_KEY_PREFIX, SESSION_PREFIX, hashToken } from './tokens.js';

/** Resolves a bearer credential (session token or API key) to a principal, or null when it is not valid. */
export async function principalFromToken(models: Models, token: string): Promise<Principal | null> {
  if (token.startsWith(SESSION_PREFIX)) return fromSession(models, token);
  if (token.startsWith(API_KEY_PREFIX)) return fromApiKey(models, token);
  return null;
}

export async function principalForUser(
  models: Models,
  user: { id: string; agencyId: string; role: Role },
  sessionId: string | null,
): Promise<Principal> {
  const wide = user.role === 'owner' || user.role === 'admin';
  const members = wide ? [] : await models.Member.findAll({ where: { userId: user.id }, attributes: ['subaccountId'] });
  return {
    kind: 'user',
    agencyId: user.agencyId,
    role: user.role,
    userId: user.id,
    sessionId,
    apiKeyId: null,
    subaccountIds: wide ? null : members.map((m) => m.subaccountId),
  };
}

async function fromSession(models: Models, token: string): Promise<Principal | null> {
  const session = await models.Session.findOne({
    where: { tokenHash: hashToken(token), revokedAt: null, expiresAt: { [Op.gt]: new Date() } },
  });
  if (!session) return null;
  const user = await models.User.findByPk(session.userId);
  return user ? principalForUser(models, user, session.id) : null;
}

async function fromApiKey(models: Models, token: string): Promise<Principal | null> {
  const key = await models.ApiKey.findOne({ where: { keyHash: hashToken(token), revokedAt: null } });
  if (!key) return null;
  // Recording use is best effort: a lost update must not fail the request it belongs to.
  void key.update({ lastUsedAt: new Date() }).catch(() => undefined);
  return {
    kind: 'apiKey',
    agencyId: key.agencyId,
    role: 'builder',
    userId: null,
    sessionId: null,
    apiKeyId: key.id,
    subaccountIds: [key.subaccountId],
  };
}
