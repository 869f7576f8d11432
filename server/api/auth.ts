import type { Request } from 'express';
import type { LoginLimiter } from '../auth/login-limiter.js';
import { hashPassword } from '../auth/passwords.js';
import { hashToken, newSessionToken } from '../auth/tokens.js';
import type { Models } from '../db/models/index.js';
import type { UserRow } from '../db/models/accounts.js';
import { conflict, unauthorized } from '../lib/errors.js';
import { loginBody, registerBody, type LoginBody, type RegisterBody } from '../../schemas/api/accounts.js';
import { presentAgency, presentSubaccount, presentUser } from './present.js';
import type { ApiRoutes } from './routes.js';

export interface AuthDeps {
  models: Models;
  sessionTtlMs: number;
  limiter: LoginLimiter;
  verifyLogin(req: Request): Promise<UserRow | null>;
}

export function authRoutes(api: ApiRoutes, deps: AuthDeps): void {
  const { models } = deps;

  async function openSession(userId: string): Promise<string> {
    const token = newSessionToken();
    await models.Session.create({ userId, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + deps.sessionTtlMs) });
    return token;
  }

  api.add(
    { method: 'post', path: '/api/auth/register', summary: 'Create an agency and its owner', tag: 'auth', auth: 'public', body: registerBody, status: 201 },
    async (req) => {
      const body = req.body as RegisterBody;
      const email = body.email.trim().toLowerCase();
      if (await models.User.findOne({ where: { email } })) throw conflict('An account with this email already exists.', 'email_taken');
      const passwordHash = await hashPassword(body.password);
      const { user, agency } = await models.Agency.sequelize!.transaction(async (transaction) => {
        const agency = await models.Agency.create({ name: body.agencyName }, { transaction });
        const user = await models.User.create(
          { agencyId: agency.id, email, name: body.name ?? null, passwordHash, role: 'owner' },
          { transaction },
        );
        return { user, agency };
      });
      return { token: await openSession(user.id), user: presentUser(user), agency: presentAgency(agency) };
    },
  );

  api.add(
    { method: 'post', path: '/api/auth/login', summary: 'Sign in with email and password', tag: 'auth', auth: 'public', body: loginBody },
    async (req) => {
      const { email } = req.body as LoginBody;
      const ip = req.ip ?? 'unknown';
      await deps.limiter.assertAllowed(email, ip);
      const user = await deps.verifyLogin(req);
      if (!user) {
        await deps.limiter.recordFailure(email, ip);
        throw unauthorized('Email or password is incorrect.');
      }
      await deps.limiter.recordSuccess(email);
      return { token: await openSession(user.id), user: presentUser(user) };
    },
  );

  api.add(
    { method: 'post', path: '/api/auth/logout', summary: 'Revoke the current session token', tag: 'auth', auth: 'agency', access: 'read', status: 204 },
    async (req) => {
      const principal = req.principal!;
      if (principal.sessionId) await models.Session.update({ revokedAt: new Date() }, { where: { id: principal.sessionId } });
    },
  );

  api.add(
    { method: 'get', path: '/api/auth/me', summary: 'The caller, their agency and the sub-accounts they can reach', tag: 'auth', auth: 'agency' },
    async (req) => {
      const principal = req.principal!;
      const [user, agency, subaccounts] = await Promise.all([
        principal.userId ? models.User.findByPk(principal.userId) : null,
        models.Agency.findByPk(principal.agencyId),
        models.Subaccount.findAll({ where: api.tenancy.visibleSubaccounts(principal), order: [['id', 'ASC']] }),
      ]);
      return {
        user: user ? presentUser(user, principal.subaccountIds) : null,
        agency: agency ? presentAgency(agency) : null,
        subaccounts: subaccounts.map(presentSubaccount),
      };
    },
  );
}
