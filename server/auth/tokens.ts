import { createHash, randomBytes } from 'node:crypto';

export const SESSION_PREFIX = 'sbs_';
export const API_KEY_PREFIX = 'sbk_';

/** Tokens carry 256 random bits, so a fast hash is enough to store them: nobody can brute-force the input. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const newSessionToken = (): string => SESSION_PREFIX + randomBytes(32).toString('base64url');

/** An API key and the short prefix shown in listings so people can tell their keys apart. */
export function newApiKey(): { key: string; prefix: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, API_KEY_PREFIX.length + 6) };
}
