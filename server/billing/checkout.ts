import type Stripe from 'stripe';
import type { Models } from '../db/models/index.js';
import { HttpError } from '../lib/errors.js';
import type { BillingAccounts } from './accounts.js';
import type { BillingClock } from './clock.js';
import { planOf, type Interval, type PlanId } from './plans.js';
import { priceVariable, type BillingSettings } from './settings.js';

/** Stripe refused or could not be reached: the caller can try again; details go to the log. */
function stripeUnavailable(err: unknown): HttpError {
  const message = err instanceof Error ? err.message : String(err);
  return new HttpError(502, 'stripe_unavailable', `Stripe did not accept the request (${message.slice(0, 200)}). Try again in a moment.`);
}

/** Checkout and portal sessions for an agency; its Stripe customer is made once and kept. */
export class StripeSessions {
  constructor(
    private readonly deps: { stripe: Stripe; models: Models; accounts: BillingAccounts; settings: BillingSettings; publicUrl: string; clock: BillingClock },
  ) {}

  /**
   * The agency's Stripe customer. Made with an idempotency key per agency, so two requests racing to
   * make it get the same customer from Stripe; the first stored id is kept.
   */
  private async customer(agencyId: string, email: string | null): Promise<string> {
    const account = await this.deps.accounts.get(agencyId);
    if (account.stripeCustomerId) return account.stripeCustomerId;
    const agency = await this.deps.models.Agency.findByPk(agencyId);
    let customer: Stripe.Customer;
    try {
      customer = await this.deps.stripe.customers.create(
        { name: agency?.name, ...(email ? { email } : {}), metadata: { agencyId } },
        { idempotencyKey: `switchboard-customer-${agencyId}` },
      );
    } catch (err) {
      throw stripeUnavailable(err);
    }
    await this.deps.models.BillingAccount.update({ stripeCustomerId: customer.id }, { where: { agencyId, stripeCustomerId: null } });
    return (await this.deps.models.BillingAccount.findByPk(agencyId))!.stripeCustomerId ?? customer.id;
  }

  async checkout(agencyId: string, email: string | null, plan: PlanId, interval: Interval): Promise<string> {
    const price = this.deps.settings.prices[`${plan}:${interval}`];
    if (!price) {
      throw new HttpError(422, 'plan_not_for_sale', `The ${planOf(plan).name} plan cannot be bought ${interval} here: ${priceVariable(plan, interval)} names no Stripe price.`, [{ path: '/plan', message: 'no price configured for this plan and interval' }]);
    }
    const customer = await this.customer(agencyId, email);
    const account = await this.deps.accounts.get(agencyId);
    // Still in the trial: the subscription starts billing when the trial ends (Stripe wants it 48 h ahead at least).
    const trialEnd = account.trialEndsAt && !account.stripeSubscriptionId ? Math.floor(account.trialEndsAt.getTime() / 1000) : 0;
    const trial = trialEnd - Math.floor(this.deps.clock.now().getTime() / 1000) > 48 * 3600 ? { trial_end: trialEnd } : {};
    const metadata = { agencyId, plan, interval };
    try {
      const session = await this.deps.stripe.checkout.sessions.create({
        mode: 'subscription',
        customer,
        client_reference_id: agencyId,
        line_items: [{ price, quantity: 1 }],
        metadata,
        subscription_data: { metadata, ...trial },
        success_url: `${this.deps.publicUrl}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${this.deps.publicUrl}/billing?checkout=cancelled`,
      });
      if (!session.url) throw new Error('the session has no url');
      return session.url;
    } catch (err) {
      throw stripeUnavailable(err);
    }
  }

  async portal(agencyId: string, email: string | null): Promise<string> {
    const customer = await this.customer(agencyId, email);
    try {
      const session = await this.deps.stripe.billingPortal.sessions.create({ customer, return_url: `${this.deps.publicUrl}/billing` });
      return session.url;
    } catch (err) {
      throw stripeUnavailable(err);
    }
  }
}
