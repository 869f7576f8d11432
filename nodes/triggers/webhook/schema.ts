import type { FromSchema } from 'json-schema-to-ts';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    methods: {
      type: 'array',
      items: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
      uniqueItems: true,
      minItems: 1,
      description: 'Accepted HTTP methods; others get 405. Default: all.',
    },
    respond: { type: 'string', enum: ['onReceived', 'onCompleted'], default: 'onReceived', description: 'Answer at once (202) or with the last node’s output.' },
    signature: {
      type: 'object',
      additionalProperties: false,
      required: ['header'],
      // The secret comes from a webhook-secret integration (preferred: encrypted, never shown) or is written here.
      anyOf: [{ required: ['integrationId'] }, { required: ['secret'] }],
      properties: {
        integrationId: { type: 'string', format: 'uuid', description: 'A webhook-secret integration of this sub-account holding the secret.' },
        secret: { type: 'string', minLength: 1, 'x-secret': true, description: 'The shared secret the sender signs with (prefer an integration).' },
        header: { type: 'string', minLength: 1, maxLength: 100, description: 'Header carrying the signature, e.g. X-Signature.' },
        prefix: { type: 'string', maxLength: 50, default: '', description: 'Text before the hex digest, e.g. "sha256=".' },
        encoding: { type: 'string', enum: ['hex', 'base64'], default: 'hex' },
      },
    },
    idempotency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        bodyPath: { type: 'string', maxLength: 200, description: 'Dot path in the JSON body whose value dedupes deliveries, e.g. webhookId.' },
      },
    },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
