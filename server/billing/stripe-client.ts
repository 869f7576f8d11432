import Stripe from 'stripe';
import type { BillingSettings } from './settings.js';

/** The Stripe client, pointed at STRIPE_API_URL when set (a fake in tests). */
export function createStripe(settings: BillingSettings): Stripe {
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 20_000, telemetry: false };
  if (settings.apiUrl) {
    const url = new URL(settings.apiUrl);
    config.host = url.hostname;
    config.protocol = url.protocol === 'http:' ? 'http' : 'https';
    config.port = url.port || (url.protocol === 'http:' ? 80 : 443);
  }
  return new Stripe(settings.secretKey, config);
}
