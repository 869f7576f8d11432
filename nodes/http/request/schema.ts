import type { FromSchema } from 'json-schema-to-ts';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], default: 'GET' },
    url: { type: 'string', format: 'uri', maxLength: 4000 },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    query: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    body: { description: 'JSON body (objects and arrays are sent as JSON, strings as text).' },
    responseType: { type: 'string', enum: ['auto', 'json', 'text'], default: 'auto' },
    failOnStatus: { type: 'boolean', default: true, description: 'Treat 4xx/5xx answers as failures (5xx and 429 are retried).' },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
