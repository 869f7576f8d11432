import type { Workspace } from './flows.js';
import type { TestServer } from './server.js';
import { createSubaccount, registerAgency, type Agency } from './story.js';
import { dayOf } from '../../server/billing/clock.js';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe/server.js';
import { event, seconds, signed, subscription, subscriptionId, type SubscriptionShape } from '../fakes/stripe/events.js';

/** A new agency that already ran `executions` executions today (this month's usage), with a sub-account. */
export async function agencyWithUsage(server: TestServer, executions: number): Promise<{ agency: Agency; ws: Workspace }> {
  const agency = await registerAgency(server);
  await server.app.models.UsageDay.create({ agencyId: agency.agencyId, day: dayOf(new Date()), executions });
  return { agency, ws: { server, token: agency.token, sid: await createSubaccount(server, agency.token) } };
}

/**
 * Moves an agency to a plan as a customer would: a checkout as its owner (which makes its Stripe customer),
 * then Stripe's signed `customer.subscription.created` for `price` (a monthly price the server maps to the plan).
 * `via` receives the webhook (another process of the same installation, in queue mode).
 */
export async function subscribeTo(
  server: Pick<TestServer, 'request'>,
  stripe: FakeStripe,
  agency: Agency,
  plan: { id: string; price: string; webhookSecret: string },
  via: Pick<TestServer, 'request'> = server,
): Promise<SubscriptionShape> {
  const checkout = await server.request('POST', '/api/billing/checkout', { token: agency.token, body: { plan: plan.id, interval: 'monthly' } });
  if (checkout.status !== 200) throw new Error(`checkout failed: ${checkout.status} ${checkout.text}`);
  const customer = [...stripe.customers.values()].find((c) => (c.metadata as Record<string, string>).agencyId === agency.agencyId)!;
  const sub = subscription({ id: subscriptionId(), customer: String(customer.id), status: 'active', price: plan.price, periodStart: seconds(), periodEnd: seconds() + 30 * 86_400, metadata: { agencyId: agency.agencyId } });
  const { body, headers } = signed(event('customer.subscription.created', sub), plan.webhookSecret);
  const applied = await via.request('POST', '/webhooks/stripe', { raw: body, headers });
  if (applied.status !== 200) throw new Error(`the subscription event was refused: ${applied.status} ${applied.text}`);
  return { id: String(sub.id), customer: String(customer.id), status: 'active', price: plan.price, periodStart: sub.created, periodEnd: sub.items.data[0].current_period_end, metadata: sub.metadata };
}

/**
 * A fake Stripe that knows this test's secret key and prices, and the variables that point billing at it.
 * `prices`: each STRIPE_PRICE_* variable and the price id it names.
 */
export async function fakeStripeForBilling(secretKey: string, webhookSecret: string, prices: Record<string, string>): Promise<{ stripe: FakeStripe; env: Record<string, string> }> {
  const stripe = await startFakeStripe();
  stripe.keys.set(secretKey, { livemode: false });
  for (const price of new Set(Object.values(prices))) stripe.prices.add(price);
  return { stripe, env: { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: stripe.url, ...prices } };
}
