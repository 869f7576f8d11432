import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeGhlState } from './state.js';

/**
 * GoHighLevel's OAuth endpoints (`/oauth/token`, `/oauth/locationToken`): every `/oauth/` request of the
 * fake comes here with its raw (form-encoded) body. Tokens it issues go into `state.tokens` so the API
 * accepts them. Owned by the OAuth work; until it lands it knows no endpoint.
 */
export function handleOAuth(_req: IncomingMessage, res: ServerResponse, _body: string, _state: FakeGhlState): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ statusCode: 404, message: 'Not Found', error: 'Not Found' }));
}
