import type { Request, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Models } from '../db/models/index.js';
import type { UserRow } from '../db/models/accounts.js';
import { principalFromToken } from './authenticate.js';
import { normalizeEmail } from './email.js';
import { verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';

/** One Passport per app (no global singleton): local strategy for sign-in, bearer for tokens and API keys. */
export function createPassport(models: Models) {
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', session: false }, (email, password, done) => {
      models.User.findOne({ where: { email: normalizeEmail(email) } })
        .then(async (user) => ((await verifyPassword(user?.passwordHash, password)) ? done(null, user as Express.User) : done(null, false)))
        .catch(done);
    }),
  );
  passport.use(
    new BearerStrategy((token, done) => {
      principalFromToken(models, token)
        .then((principal) => done(null, principal ?? false))
        .catch(done);
    }),
  );

  function run<T>(strategy: string, req: Request): Promise<T | null> {
    return new Promise((resolve, reject) => {
      const dummy = {} as Response;
      passport.authenticate(strategy, { session: false }, (err: unknown, result: T | false) => {
        if (err) reject(err);
        else resolve(result || null);
      })(req, dummy, reject);
    });
  }

  return {
    /** The user whose email and password are in the body, or null. */
    verifyLogin: (req: Request) => run<UserRow>('local', req),
    /** Sets `req.principal` from the bearer credential, if there is a valid one. */
    async authenticate(req: Request): Promise<void> {
      if (req.principal || !req.headers.authorization) return;
      req.principal = (await run<Principal>('bearer', req)) ?? undefined;
    },
  };
}
