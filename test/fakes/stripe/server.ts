import { randomBytes } from 'node:crypto';
import { startFakeHttp, type FakeAnswer, type FakeHttpServer, type SentRequest } from '../fake-http.js';
import { decodeForm, type StripeObject } from './form.js';

/**
 * A fake Stripe API (https://docs.stripe.com/api): the key in `Authorization` (Bearer, or Basic with the
 * key as user name, as Stripe takes both), Stripe's error shape, and a route table to extend per test.
 */
export interface FakeStripe extends FakeHttpServer {
  /** Secret keys the fake accepts, and whether each is a live-mode key. */
  keys: Map<string, { livemode: boolean }>;
  /** The key a request authenticated with, or the 401 answer Stripe gives. */
  authenticate(request: SentRequest): { key: string; livemode: boolean } | FakeAnswer;
  /** Price ids that exist in this account (checkout refuses others, as Stripe does). */
  prices: Set<string>;
  /** Customers, checkout sessions and portal sessions made, by id (Stripe's shapes). */
  customers: Map<string, StripeObject>;
  checkoutSessions: Map<string, StripeObject>;
  portalSessions: Map<string, StripeObject>;
  /** The form body of a recorded request, decoded as Stripe decodes it (`a[b][0]=x` → nested). */
  form(request: SentRequest): StripeObject;
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
  const prices = new Set<string>();
  const customers = new Map<string, StripeObject>();
  const checkoutSessions = new Map<string, StripeObject>();
  const portalSessions = new Map<string, StripeObject>();
  const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
  const now = () => Math.floor(Date.now() / 1000);
  /** Stripe answers a repeated Idempotency-Key with the first answer (stripe-node sends one on every POST). */
  const replays = new Map<string, FakeAnswer>();
  const post = (path: string, make: (form: StripeObject, who: { livemode: boolean }) => FakeAnswer) =>
    server.route('POST', path, (request) => {
      const who = authenticate(request);
      if ('status' in who) return who;
      if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return stripeError(400, 'Invalid request: Stripe takes application/x-www-form-urlencoded bodies.');
      const key = request.headers['idempotency-key'];
      const replayKey = typeof key === 'string' ? `${who.key} ${path} ${key}` : null;
      const replay = replayKey ? replays.get(replayKey) : undefined;
      if (replay) return { ...replay, headers: { ...replay.headers, 'idempotent-replayed': 'true' } };
      const answer = make(decodeForm(request.body), who);
      if (replayKey) replays.set(replayKey, answer);
      return answer;
    });
  const missing = (param: string, what: string, value: unknown): FakeAnswer => ({
    status: 400,
    body: { error: { code: 'resource_missing', message: `No such ${what}: '${String(value)}'`, param, type: 'invalid_request_error' } },
  });

  post('/v1/customers', (form, who) => {
    const customer = { id: id('cus'), object: 'customer', created: now(), email: form.email ?? null, name: form.name ?? null, metadata: form.metadata ?? {}, livemode: who.livemode };
    customers.set(customer.id, customer);
    return { status: 200, body: customer };
  });
  post('/v1/checkout/sessions', (form, who) => {
    if (form.mode !== 'subscription' && form.mode !== 'payment' && form.mode !== 'setup') return { status: 400, body: { error: { message: 'Missing required param: mode.', param: 'mode', type: 'invalid_request_error' } } };
    if (typeof form.success_url !== 'string') return { status: 400, body: { error: { message: 'Missing required param: success_url.', param: 'success_url', type: 'invalid_request_error' } } };
    if (form.customer !== undefined && !customers.has(String(form.customer))) return missing('customer', 'customer', form.customer);
    const items = Array.isArray(form.line_items) ? (form.line_items as StripeObject[]) : [];
    const unknown = items.findIndex((item) => !prices.has(String(item.price)));
    if (!items.length) return { status: 400, body: { error: { message: 'Missing required param: line_items.', param: 'line_items', type: 'invalid_request_error' } } };
    if (unknown >= 0) return missing(`line_items[${unknown}][price]`, 'price', items[unknown].price);
    const sessionId = id('cs_test');
    const session = {
      id: sessionId, object: 'checkout.session', created: now(), mode: form.mode, status: 'open', customer: form.customer ?? null,
      client_reference_id: form.client_reference_id ?? null, metadata: form.metadata ?? {}, subscription: null, livemode: who.livemode,
      success_url: form.success_url, cancel_url: form.cancel_url ?? null, line_items: items, subscription_data: form.subscription_data ?? null,
      url: `https://checkout.stripe.com/c/pay/${sessionId}`,
    };
    checkoutSessions.set(sessionId, session);
    return { status: 200, body: session };
  });
  post('/v1/billing_portal/sessions', (form, who) => {
    if (!customers.has(String(form.customer))) return missing('customer', 'customer', form.customer);
    const portal = { id: id('bps'), object: 'billing_portal.session', created: now(), customer: form.customer, return_url: form.return_url ?? null, livemode: who.livemode, url: `https://billing.stripe.com/p/session/${id('test')}` };
    portalSessions.set(portal.id, portal);
    return { status: 200, body: portal };
  });
  return Object.assign(server, { keys, authenticate, prices, customers, checkoutSessions, portalSessions, form: (request: SentRequest) => decodeForm(request.body) });
}
