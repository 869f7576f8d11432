import type { IntegrationTemplate } from './template.js';

export const webhookSecret: IntegrationTemplate = {
  id: 'webhook-secret',
  name: 'webhook-secret',
  displayName: 'Webhook signing secret',
  category: 'Webhooks',
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
};
