import { startFakeHttp, type FakeHttpServer } from '../fake-http.js';

export const GRAPH_VERSION = 'v19.0';

/** A fake Graph API: `GET /v19.0/me` answers for the access tokens it knows, with Meta's OAuthException errors. */
export interface FakeFacebook extends FakeHttpServer {
  /** `FACEBOOK_GRAPH_URL` for the app under test. */
  graphUrl: string;
  /** Access tokens the fake accepts, and whom each belongs to. */
  tokens: Map<string, { id: string; name: string }>;
}

const oauthError = (message: string, code: number) => ({
  status: 400,
  body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'AbCdEfGhIjK' } },
  headers: { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` },
});

export async function startFakeFacebook(): Promise<FakeFacebook> {
  const server = await startFakeHttp((request) => ({
    status: 400,
    body: { error: { message: `Unknown path components: ${request.path}`, type: 'OAuthException', code: 2500, fbtrace_id: 'AbCdEfGhIjK' } },
  }));
  const tokens = new Map<string, { id: string; name: string }>();
  server.route('GET', `/${GRAPH_VERSION}/me`, (request) => {
    const token = request.query.get('access_token') ?? request.headers.authorization?.replace(/^(Bearer|OAuth) /, '');
    if (!token) return oauthError('An active access token must be used to query information about the current user.', 2500);
    const user = tokens.get(token);
    if (!user) return oauthError('Invalid OAuth access token - Cannot parse access token', 190);
    const fields = (request.query.get('fields') ?? 'id,name').split(',');
    return { status: 200, body: Object.fromEntries(Object.entries(user).filter(([k]) => fields.includes(k))) };
  });
  return Object.assign(server, { graphUrl: `${server.url}/${GRAPH_VERSION}`, tokens });
}
