import type { Request } from 'express';
import { normalizeEmail } from '../auth/email.js';
import type { LoginLimiter } from '../auth/login-limiter.js';
import { hashPassword } from '../auth/passwords.js';
import { hashToken, newSessionToken } from '../auth/tokens.js';
import type { Models } from '../db/models/index.js';
import type { UserRow } from '../db/models/accounts.js';
import type { EventBus } from '../runtime/events.js';
import { conflict, unauthorized } from '../lib/errors.js';
import { loginBody, registerBody, type LoginBody, type RegisterBody } from '../../schemas/api/accounts.js';
import { presentAgency, presentSubaccount, presentUser } from './present.js';
import type { ApiRoutes } from './routes.js';

export interface AuthDeps {
  models: Models;
  sessionTtlMs: number;
  limiter: LoginLimiter;
  /** Checks the email and password in the body (the email normalised the same way as here). */
  verifyLogin(req: Request): Promise<UserRow | null>;
  /** Carries revocations to every process's sockets. */
  bus: EventBus;
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
      const email = normalizeEmail(body.email);
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
      const email = normalizeEmail((req.body as LoginBody).email);
      // The attempt is counted before the password is checked (parallel guesses cannot all pass) and
      // given back when it was right.
      const attempt = await deps.limiter.begin(email, req.ip ?? 'unknown');
      const user = await deps.verifyLogin(req);
      if (!user) throw unauthorized('Email or password is incorrect.');
      await attempt.succeeded();
      return { token: await openSession(user.id), user: presentUser(user) };
    },
  );

  api.add(
    { method: 'post', path: '/api/auth/logout', summary: 'Revoke the current session token', tag: 'auth', auth: 'agency', access: 'read', status: 204 },
    async (req) => {
      const principal = req.principal!;
      if (!principal.sessionId) return;
      await models.Session.update({ revokedAt: new Date() }, { where: { id: principal.sessionId } });
      // Sockets opened with this token hang up at once, in every process.
      deps.bus.control({ type: 'access', reason: 'revoked', sessionIds: [principal.sessionId] });
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
