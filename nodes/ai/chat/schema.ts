import type { FromSchema } from 'json-schema-to-ts';
import { aiFields } from '../lib/fields.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'prompt'],
  properties: {
    ...aiFields,
    system: { type: 'string', maxLength: 100_000, description: 'The system prompt: who the model is and how it answers.' },
    prompt: { type: 'string', minLength: 1, maxLength: 500_000, description: 'The user’s message.' },
    json: { type: 'boolean', default: false, description: 'JSON mode: the answer is a JSON object, parsed into the output’s "json".' },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
