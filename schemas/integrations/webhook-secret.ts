import type { IntegrationTemplate } from './template.js';

export const webhookSecret: IntegrationTemplate = {
  id: 'webhook-secret',
  name: 'webhook-secret',
  displayName: 'Webhook signing secret',
  category: 'Webhooks',
  icon: 'key-round',
  description: 'A shared secret that senders sign webhook bodies with (HMAC-SHA256). Webhook triggers verify signatures with it.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['secret'],
    properties: {
      secret: { type: 'string', minLength: 8, maxLength: 500, format: 'password', description: 'The shared secret, as the sender has it.' },
    },
  },
  setupInstructions: 'Copy the signing secret from the sending service (often under Webhooks → Signing secret) and paste it here. In the webhook trigger, choose this integration under Signature.',
  // A signing secret has no service to call: it works when it is stored, readable and well formed.
  test: async () => ({ ok: true, message: 'The secret is stored and readable; senders sign with it.' }),
};
