import { startFakeHttp, type FakeAnswer, type FakeHttpServer, type SentRequest } from '../fake-http.js';

/**
 * A fake Stripe API (https://docs.stripe.com/api): the key in `Authorization` (Bearer, or Basic with the
 * key as user name, as Stripe takes both), Stripe's error shape, and a route table to extend per test.
 */
export interface FakeStripe extends FakeHttpServer {
  /** Secret keys the fake accepts, and whether each is a live-mode key. */
  keys: Map<string, { livemode: boolean }>;
  /** The key a request authenticated with, or the 401 answer Stripe gives. */
  authenticate(request: SentRequest): { key: string; livemode: boolean } | FakeAnswer;
}

const stripeError = (status: number, message: string, type = 'invalid_request_error'): FakeAnswer => ({ status, body: { error: { message, type } } });

/** Stripe shows only the last four characters of a refused key. */
const redacted = (key: string) => `${key.slice(0, key.indexOf('_', 3) + 1)}${'*'.repeat(Math.max(0, key.length - key.indexOf('_', 3) - 5))}${key.slice(-4)}`;

function keyOf(request: SentRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return header.slice(7);
  if (header.startsWith('Basic ')) return Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0];
  return undefined;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const server = await startFakeHttp((request) =>
    stripeError(404, `Unrecognized request URL (${request.method}: ${request.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`),
  );
  const keys = new Map<string, { livemode: boolean }>();
  const authenticate = (request: SentRequest) => {
    const key = keyOf(request);
    if (!key) return stripeError(401, 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').');
    const known = keys.get(key);
    if (!known) return stripeError(401, `Invalid API Key provided: ${redacted(key)}`);
    return { key, livemode: known.livemode };
  };
  server.route('GET', '/v1/balance', (request) => {
    const who = authenticate(request);
    if ('status' in who) return who;
    const funds = [{ amount: 0, currency: 'usd', source_types: { card: 0 } }];
    return { status: 200, body: { object: 'balance', available: funds, pending: funds, livemode: who.livemode } };
  });
  return Object.assign(server, { keys, authenticate });
}
