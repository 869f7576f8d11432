import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { HttpError } from '../lib/errors.js';
import { WEBHOOK_ACCEPTED_AT } from '../lib/metrics.js';
import type { StripeEvents } from './stripe-events.js';

/** Signatures older than this are refused (Stripe's own default tolerance): a captured delivery cannot be replayed later. */
const TOLERANCE_SECONDS = 300;

const badSignature = () =>
  new HttpError(400, 'invalid_signature', 'The Stripe-Signature header is missing or does not match this body and STRIPE_WEBHOOK_SECRET; nothing was applied.');

/** Stripe's events are JSON objects with these fields; a signed body without them applies nothing. */
function isEvent(value: unknown): value is Stripe.Event {
  const event = value as Partial<Stripe.Event> | null;
  return !!event && typeof event.id === 'string' && typeof event.type === 'string' && typeof event.created === 'number' && !!event.data && typeof event.data.object === 'object' && event.data.object !== null;
}

/** `POST /webhooks/stripe` (CONTRACT §10): verified with STRIPE_WEBHOOK_SECRET, each event id applied once. */
export function stripeWebhookRoutes(deps: { stripe: Stripe; secret: string; events: StripeEvents; logger: Logger; applied(agencyId: string): void }): Router {
  const router = Router();
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.headers['stripe-signature'];
    if (typeof header !== 'string' || !header) throw badSignature();
    let event: unknown;
    try {
      event = deps.stripe.webhooks.constructEvent(raw, header, deps.secret, TOLERANCE_SECONDS);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'refused a Stripe webhook: bad signature or body');
      throw badSignature();
    }
    if (!isEvent(event)) throw new HttpError(400, 'invalid_event', 'The body is not a Stripe event (id, type, created, data.object).');
    const { outcome, agencyId } = await deps.events.apply(event);
    res.locals[WEBHOOK_ACCEPTED_AT] = performance.now();
    if (outcome === 'applied' && agencyId) deps.applied(agencyId);
    deps.logger.info({ eventId: event.id, type: event.type, outcome, agencyId }, 'Stripe event');
    res.status(200).json({ received: true, outcome });
  });
  router.all('/webhooks/stripe', () => {
    throw new HttpError(405, 'method_not_allowed', 'Stripe events are POSTed.', [], { Allow: 'POST' });
  });
  return router;
}
