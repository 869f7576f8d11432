import type Stripe from 'stripe';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { BillingAccountRow } from '../db/models/billing.js';
import { isId } from '../db/columns.js';
import type { BillingAccounts } from './accounts.js';
import { INTERVALS, isPlanId, PLAN_IDS, type Interval, type PlanId } from './plans.js';
import type { BillingSettings } from './settings.js';

export const HANDLED_EVENTS = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.payment_failed',
  'invoice.paid',
] as const;

export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

type Changes = Partial<Pick<BillingAccountRow, 'plan' | 'interval' | 'status' | 'stripeCustomerId' | 'stripeSubscriptionId' | 'periodStart' | 'periodEnd' | 'pastDueSince' | 'stateAt' | 'trialEndsAt'>>;

const idOf = (value: string | { id: string } | null | undefined): string | null => (typeof value === 'string' ? value : (value?.id ?? null));
const at = (seconds: number | null | undefined): Date | null => (typeof seconds === 'number' ? new Date(seconds * 1000) : null);

/** A subscription's period: on its first item since API version 2025-03-31, on the subscription before. */
function periodOf(sub: Stripe.Subscription): { start: Date | null; end: Date | null } {
  const item = sub.items?.data?.[0];
  const legacy = sub as unknown as { current_period_start?: number; current_period_end?: number };
  return { start: at(item?.current_period_start ?? legacy.current_period_start), end: at(item?.current_period_end ?? legacy.current_period_end) };
}

/** The subscription an invoice is for: under `parent` since API version 2025-03-31, top-level before. */
function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  const legacy = invoice as unknown as { subscription?: string | { id: string } | null };
  return idOf(invoice.parent?.subscription_details?.subscription ?? legacy.subscription ?? null);
}

/**
 * Applies Stripe's billing events to agencies' plans, each event id once (the `stripe_events` row is
 * written in the same transaction as the change) and in any order: the subscription state carries the
 * Stripe time of the event that set it (`stateAt`), and an event older than that changes nothing. A
 * subscription that was deleted stays deleted; a deletion of a subscription that is no longer the
 * agency's (it subscribed again since) is ignored.
 */
export class StripeEvents {
  private readonly plansByPrice = new Map<string, { plan: PlanId; interval: Interval }>();

  constructor(
    private readonly deps: { models: Models; accounts: BillingAccounts; settings: BillingSettings },
  ) {
    for (const plan of PLAN_IDS) {
      for (const interval of INTERVALS) {
        const price = deps.settings.prices[`${plan}:${interval}`];
        if (price) this.plansByPrice.set(price, { plan, interval });
      }
    }
  }

  /** The agency an event belongs to: named in it (client reference, metadata), else found by its customer. */
  private async agencyOf(event: Stripe.Event): Promise<string | null> {
    const object = event.data.object as { metadata?: Record<string, string> | null; client_reference_id?: string | null; customer?: string | { id: string } | null };
    const named = object.client_reference_id ?? object.metadata?.agencyId ?? (event.type.startsWith('invoice.') ? (event.data.object as Stripe.Invoice).parent?.subscription_details?.metadata?.agencyId : undefined);
    if (isId(named) && (await this.deps.models.Agency.findByPk(named, { attributes: ['id'] }))) return named;
    const customer = idOf(object.customer);
    if (!customer) return null;
    const account = await this.deps.models.BillingAccount.findOne({ where: { stripeCustomerId: customer }, attributes: ['agencyId'] });
    return account?.agencyId ?? null;
  }

  async apply(event: Stripe.Event): Promise<{ outcome: EventOutcome; agencyId: string | null }> {
    if (!(HANDLED_EVENTS as readonly string[]).includes(event.type)) return { outcome: 'ignored', agencyId: null };
    const agencyId = await this.agencyOf(event);
    if (!agencyId) return { outcome: 'ignored', agencyId: null };
    await this.deps.accounts.get(agencyId);
    const { models } = this.deps;
    try {
      await models.BillingAccount.sequelize!.transaction(async (transaction) => {
        await models.StripeEvent.create({ id: event.id, type: event.type, agencyId }, { transaction });
        const account = (await models.BillingAccount.findByPk(agencyId, { transaction, lock: transaction.LOCK.UPDATE }))!;
        const changes = this.changesFor(event, account);
        if (changes) await this.save(account, changes, transaction);
      });
    } catch (err) {
      if (err instanceof UniqueConstraintError) return { outcome: 'duplicate', agencyId };
      throw err;
    }
    return { outcome: 'applied', agencyId };
  }

  private async save(account: BillingAccountRow, changes: Changes, transaction: Transaction): Promise<void> {
    await account.update(changes, { transaction });
    if (changes.plan || changes.status) {
      // `agencies.plan` (shown with the agency) follows the plan whose limits apply at the change.
      const plan = ['active', 'trialing', 'past_due'].includes(account.status) ? account.plan : 'starter';
      await this.deps.models.Agency.update({ plan }, { where: { id: account.agencyId }, transaction });
    }
  }

  private changesFor(event: Stripe.Event, account: BillingAccountRow): Changes | null {
    const stateAt = account.stateAt === null ? null : Number(account.stateAt);
    const older = stateAt !== null && event.created < stateAt;
    switch (event.type) {
      case 'checkout.session.completed':
        return this.checkout(event.data.object, event.created, account, stateAt);
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        return older ? null : this.subscription(event.data.object, event.created, event.type === 'customer.subscription.deleted', account);
      case 'invoice.payment_failed':
      case 'invoice.paid':
        return older ? null : this.invoice(event.data.object, event.created, event.type === 'invoice.paid', account);
      default:
        return null;
    }
  }

  /** The customer is linked at once; the plan only while no subscription event (which says more) came at the same time or later. */
  private checkout(session: Stripe.Checkout.Session, created: number, account: BillingAccountRow, stateAt: number | null): Changes | null {
    const subscription = idOf(session.subscription);
    const customer = idOf(session.customer);
    const changes: Changes = {};
    if (customer && !account.stripeCustomerId) changes.stripeCustomerId = customer;
    if (subscription && (stateAt === null || created > stateAt)) {
      const plan = session.metadata?.plan;
      const interval = session.metadata?.interval;
      Object.assign(changes, {
        stripeSubscriptionId: subscription,
        status: 'active',
        pastDueSince: null,
        stateAt: created,
        ...(isPlanId(plan) ? { plan } : {}),
        ...(interval === 'monthly' || interval === 'annual' ? { interval } : {}),
      });
    }
    return Object.keys(changes).length ? changes : null;
  }

  private subscription(sub: Stripe.Subscription, created: number, deleted: boolean, account: BillingAccountRow): Changes | null {
    const current = account.stripeSubscriptionId;
    if (current === sub.id && account.status === 'canceled' && !deleted) return null;
    if (deleted && current && current !== sub.id) return null;
    const price = sub.items?.data?.[0]?.price?.id;
    const priced = price ? this.plansByPrice.get(price) : undefined;
    const plan = priced?.plan ?? (isPlanId(sub.metadata?.plan) ? sub.metadata.plan : null);
    const interval = priced?.interval ?? (sub.metadata?.interval === 'monthly' || sub.metadata?.interval === 'annual' ? sub.metadata.interval : null);
    const status = deleted ? 'canceled' : sub.status;
    const { start, end } = periodOf(sub);
    return {
      stripeSubscriptionId: sub.id,
      ...(account.stripeCustomerId ? {} : { stripeCustomerId: idOf(sub.customer) }),
      status,
      ...(plan ? { plan } : {}),
      ...(interval ? { interval } : {}),
      periodStart: start,
      periodEnd: end,
      ...(sub.trial_end ? { trialEndsAt: at(sub.trial_end) } : {}),
      pastDueSince: status === 'past_due' ? (account.pastDueSince ?? at(created)) : null,
      stateAt: created,
    };
  }

  private invoice(invoice: Stripe.Invoice, created: number, paid: boolean, account: BillingAccountRow): Changes | null {
    const subscription = subscriptionOfInvoice(invoice);
    if (subscription && account.stripeSubscriptionId && subscription !== account.stripeSubscriptionId) return null;
    if (!account.stripeSubscriptionId || account.status === 'canceled') return null;
    if (paid) return account.status === 'past_due' || account.status === 'unpaid' ? { status: 'active', pastDueSince: null, stateAt: created } : null;
    return { status: 'past_due', pastDueSince: account.pastDueSince ?? at(created), stateAt: created };
  }
}
