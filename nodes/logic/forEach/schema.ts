import type { FromSchema } from 'json-schema-to-ts';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: { type: 'array', maxItems: 10_000, description: 'The list to walk, usually an expression such as {{ $json.contacts }}.' },
    concurrency: { type: 'integer', minimum: 1, maximum: 20, default: 1, description: '1 runs the items one after another.' },
    onError: {
      type: 'string',
      enum: ['stop', 'continue'],
      default: 'stop',
      description: 'stop: the first failed item fails the loop. continue: failed items are reported in the results.',
    },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
