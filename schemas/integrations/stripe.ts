import { readJsonObjectCapped } from '../../nodes/lib/capped-body.js';
import { fetchFollowingRedirects } from '../../nodes/lib/outbound.js';
import { serviceUrl } from './service-url.js';
import type { IntegrationTemplate } from './template.js';

export const DEFAULT_STRIPE_API_URL = 'https://api.stripe.com';

interface StripeError {
  error?: { message?: string; type?: string };
}

export const stripe: IntegrationTemplate = {
  id: 'stripe',
  name: 'stripe',
  displayName: 'Stripe',
  category: 'Payments',
  icon: 'credit-card',
  description: 'A Stripe secret or restricted key, for reading and creating customers, payments and subscriptions.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['secretKey'],
    properties: {
      secretKey: {
        type: 'string',
        format: 'password',
        minLength: 10,
        maxLength: 500,
        // A publishable key (pk_…) cannot read anything: say so at save time rather than at the first call.
        pattern: '^(sk|rk)_(test|live)_[A-Za-z0-9_]+$',
        title: 'Secret key',
        description: 'A secret key (sk_live_…, sk_test_…) or a restricted key (rk_…) with read access to Balance.',
      },
    },
  },
  setupInstructions: [
    '1. In the Stripe Dashboard open **Developers → API keys**.',
    '2. Copy the **Secret key** (`sk_live_…`, or `sk_test_…` in test mode), or better, create a **restricted key** (`rk_…`) with only the permissions your flows need, plus read access to *Balance* so the connection test can check it.',
    '3. Paste it here and press **Test**: Switchboard reads your balance once to check the key.',
  ].join('\n'),
  async test(config, ctx) {
    const url = new URL(`${serviceUrl('STRIPE_API_URL', DEFAULT_STRIPE_API_URL)}/v1/balance`);
    const { response } = await fetchFollowingRedirects({
      url,
      method: 'GET',
      headers: { authorization: `Bearer ${String(config.secretKey)}`, accept: 'application/json' },
      signal: ctx.signal,
      allowPrivateNetwork: ctx.allowPrivateNetwork,
    });
    const body = (await readJsonObjectCapped(response, "Stripe's answer")) as StripeError & { livemode?: boolean };
    if (response.ok) return { ok: true, message: `Connected to Stripe (${body.livemode ? 'live' : 'test'} mode).` };
    const reason = body.error?.message ?? `Stripe answered ${response.status}.`;
    if (response.status === 401) return { ok: false, message: `Stripe refused the key: ${reason} Copy the secret key again from Developers → API keys.` };
    if (response.status === 403) return { ok: false, message: `Stripe accepted the key but it may not read the balance: ${reason}` };
    return { ok: false, message: `Stripe answered ${response.status}: ${reason}` };
  },
};
