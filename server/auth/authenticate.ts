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
  session: { id: string; expiresAt: Date } | null,
): Promise<Principal> {
  const wide = user.role === 'owner' || user.role === 'admin';
  const members = wide ? [] : await models.Member.findAll({ where: { userId: user.id }, attributes: ['subaccountId'] });
  return {
    kind: 'user',
    agencyId: user.agencyId,
    role: user.role,
    userId: user.id,
    sessionId: session?.id ?? null,
    apiKeyId: null,
    actorUserId: user.id,
    subaccountIds: wide ? null : members.map((m) => m.subaccountId),
    expiresAt: session?.expiresAt ?? null,
  };
}

async function fromSession(models: Models, token: string): Promise<Principal | null> {
  const session = await models.Session.findOne({
    where: { tokenHash: hashToken(token), revokedAt: null, expiresAt: { [Op.gt]: new Date() } },
  });
  if (!session) return null;
  const user = await models.User.findByPk(session.userId);
  return user ? principalForUser(models, user, session) : null;
}

/**
 * An API key acts for its creator and never beyond them: it works only while the creator exists and
 * still reaches the key's sub-account, and writes only while the creator may write (a creator demoted
 * to viewer leaves a read-only key).
 */
async function fromApiKey(models: Models, token: string): Promise<Principal | null> {
  const now = new Date();
  const key = await models.ApiKey.findOne({
    where: { keyHash: hashToken(token), revokedAt: null, [Op.or]: [{ expiresAt: null }, { expiresAt: { [Op.gt]: now } }] },
  });
  if (!key?.createdById) return null;
  const creator = await models.User.findOne({ where: { id: key.createdById, agencyId: key.agencyId } });
  if (!creator) return null;
  const wide = creator.role === 'owner' || creator.role === 'admin';
  if (!wide && !(await models.Member.findOne({ where: { userId: creator.id, subaccountId: key.subaccountId }, attributes: ['id'] }))) return null;
  // Recording use is best effort: a lost update must not fail the request it belongs to.
  void key.update({ lastUsedAt: now }).catch(() => undefined);
  return {
    kind: 'apiKey',
    agencyId: key.agencyId,
    role: creator.role === 'viewer' ? 'viewer' : 'builder',
    userId: null,
    sessionId: null,
    apiKeyId: key.id,
    actorUserId: creator.id,
    subaccountIds: [key.subaccountId],
    expiresAt: key.expiresAt ?? null,
  };
}
