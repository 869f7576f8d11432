import type { FromSchema } from 'json-schema-to-ts';
import { aiFields } from '../lib/fields.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'text', 'labels'],
  properties: {
    ...aiFields,
    text: { type: 'string', minLength: 1, maxLength: 500_000, description: 'What to classify, e.g. {{ $json.message }}.' },
    labels: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      description: 'The classes, each an output port of its own; inputs that fit none go to "other".',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          // "other" and "error" are the node's own ports.
          name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$', not: { enum: ['other', 'error'] } },
          description: { type: 'string', maxLength: 2000, description: 'When this label applies, in a sentence: it helps the model choose.' },
        },
      },
    },
    instructions: { type: 'string', maxLength: 20_000, description: 'Extra guidance for the model (added to its system prompt).' },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
