import { verify, type KeyObject } from 'node:crypto';
import { startFakeHttp, type FakeAnswer, type FakeHttpServer } from '../fake-http.js';

/**
 * A fake of Google's OAuth 2.0 token endpoint for service accounts (RFC 7523 JWT bearer grant): it checks
 * the assertion's RS256 signature with the public key of the account it names, its audience and lifetime,
 * and answers as Google does, `invalid_grant` and all.
 */
export interface FakeGoogle extends FakeHttpServer {
  /** `GOOGLE_TOKEN_URL` for the app under test. */
  tokenUrl: string;
  /** Service accounts by email, with the public key of their current key pair. */
  accounts: Map<string, KeyObject>;
  /** Access tokens issued, by account. */
  issued: { email: string; scope: string; token: string }[];
}

const oauthError = (error: string, description: string): FakeAnswer => ({ status: 400, body: { error, error_description: description } });

const decode = (part: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
};

export async function startFakeGoogle(): Promise<FakeGoogle> {
  const server = await startFakeHttp(() => ({ status: 404, body: 'Not Found', headers: { 'content-type': 'text/html' } }));
  const accounts = new Map<string, KeyObject>();
  const issued: FakeGoogle['issued'] = [];
  const tokenUrl = `${server.url}/token`;
  server.route('POST', '/token', (request) => {
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return oauthError('invalid_request', 'Bad Request');
    const form = new URLSearchParams(request.body);
    const grant = form.get('grant_type');
    if (grant !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return oauthError('unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return oauthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
    const [header, claims] = [decode(parts[0]), decode(parts[1])];
    if (!header || !claims || header.alg !== 'RS256') return oauthError('invalid_grant', 'Invalid JWT Signature.');
    const key = typeof claims.iss === 'string' ? accounts.get(claims.iss) : undefined;
    if (!key) return oauthError('invalid_grant', 'Invalid grant: account not found');
    if (!verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'))) return oauthError('invalid_grant', 'Invalid JWT Signature.');
    if (claims.aud !== tokenUrl) return oauthError('invalid_grant', 'Invalid JWT: Failed audience check.');
    const now = Math.floor(Date.now() / 1000);
    const [iat, exp] = [Number(claims.iat), Number(claims.exp)];
    if (!(exp > now && iat <= now + 300 && exp - iat <= 3600)) {
      return oauthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const token = `ya29.fake-${issued.length + 1}`;
    issued.push({ email: claims.iss as string, scope: String(claims.scope ?? ''), token });
    return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
  });
  return Object.assign(server, { tokenUrl, accounts, issued });
}
