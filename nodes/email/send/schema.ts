import type { FromSchema } from 'json-schema-to-ts';

/** One or more addresses: "a@x.com", "Ann <a@x.com>, b@y.com" or a list of them. */
const recipients = {
  anyOf: [
    { type: 'string', minLength: 3, maxLength: 10_000 },
    { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string', minLength: 3, maxLength: 500 } },
  ],
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'to', 'subject'],
  properties: {
    integrationId: { type: 'string', description: 'The SMTP integration to send through.' },
    to: { ...recipients, description: 'Recipients: an address, a comma-separated list or a list.' },
    cc: recipients,
    bcc: recipients,
    replyTo: { type: 'string', minLength: 3, maxLength: 500, description: 'Where replies go, if not to the sender.' },
    subject: { type: 'string', maxLength: 2000 },
    text: { type: 'string', maxLength: 1_000_000, description: 'The plain-text body.' },
    html: { type: 'string', maxLength: 2_000_000, description: 'The HTML body (mail clients show it instead of the text when they can).' },
    attachments: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['filename'],
        properties: {
          filename: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
          url: { type: 'string', format: 'uri', maxLength: 4000, description: 'Fetched when the mail is sent (http or https).' },
          content: { type: 'string', maxLength: 14_000_000, description: 'The file’s bytes in base64.' },
          contentType: { type: 'string', maxLength: 200, pattern: '^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$', description: 'Defaults to what the URL answers with, or from the file name.' },
        },
        oneOf: [{ required: ['url'] }, { required: ['content'] }],
      },
    },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
