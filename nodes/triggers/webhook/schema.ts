import type { FromSchema } from 'json-schema-to-ts';

/**
 * The methods a webhook may accept; with no `methods` configured it accepts all of them. Anything else
 * (HEAD, TRACE, CONNECT, OPTIONS, WebDAV verbs…) is answered 405 and starts nothing.
 */
export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    methods: {
      type: 'array',
      items: { type: 'string', enum: WEBHOOK_METHODS },
      uniqueItems: true,
      minItems: 1,
      description: 'Accepted HTTP methods; others get 405. Default: GET, POST, PUT, PATCH and DELETE.',
    },
    respond: {
      type: 'string',
      enum: ['onReceived', 'onCompleted', 'onResponseNode'],
      default: 'onReceived',
      description: 'Answer at once (202), with the last node’s output when the execution ends, or from a "Respond to webhook" node (the flow goes on after it).',
    },
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
