import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/**
 * Stripe webhook deliveries for tests: events in Stripe's shapes (API version 2025-03-31 and later:
 * the period on the subscription's items, an invoice's subscription under `parent`), signed with the
 * `stripe` package's own test header helper, as Stripe signs them.
 */
export interface SubscriptionShape {
  id: string;
  customer: string;
  status: string;
  price: string;
  periodStart: number;
  periodEnd: number;
  metadata?: Record<string, string>;
}

const stripe = new Stripe('sk_test_signing_only');
export const eventId = () => `evt_${randomBytes(12).toString('hex')}`;
export const subscriptionId = () => `sub_${randomBytes(12).toString('hex')}`;
export const seconds = (at = Date.now()) => Math.floor(at / 1000);

export function event(type: string, object: Record<string, unknown>, options: { id?: string; created?: number } = {}) {
  return { id: options.id ?? eventId(), object: 'event', api_version: '2026-10-28.endive', created: options.created ?? seconds(), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
}

export function subscription(s: SubscriptionShape) {
  return {
    id: s.id, object: 'subscription', customer: s.customer, status: s.status, metadata: s.metadata ?? {}, created: s.periodStart, trial_end: null, cancel_at: null, ended_at: s.status === 'canceled' ? s.periodEnd : null,
    items: { object: 'list', data: [{ id: `si_${s.id.slice(4)}`, object: 'subscription_item', current_period_start: s.periodStart, current_period_end: s.periodEnd, price: { id: s.price, object: 'price' }, quantity: 1 }] },
  };
}

export function invoice(customer: string, subscription: string, status: 'paid' | 'open') {
  return { id: `in_${randomBytes(12).toString('hex')}`, object: 'invoice', customer, status, parent: { type: 'subscription_details', subscription_details: { subscription, metadata: {} } } };
}

/** The body and Stripe-Signature header of a delivery signed with `secret` (a wrong secret makes a bad signature). */
export function signed(payload: unknown, secret: string, timestamp?: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) } };
}
