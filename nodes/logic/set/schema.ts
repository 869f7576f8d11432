import type { FromSchema } from 'json-schema-to-ts';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: {
    value: { description: 'Any JSON; strings may hold {{ expressions }}.' },
    merge: { type: 'boolean', default: false, description: 'Merge the value over the input (both objects).' },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
