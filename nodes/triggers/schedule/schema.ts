import type { FromSchema } from 'json-schema-to-ts';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['cron'],
  properties: {
    cron: { type: 'string', minLength: 9, maxLength: 120, format: 'cron', description: 'Five fields (or six with seconds), e.g. "0 9 * * 1-5".' },
    timezone: { type: 'string', format: 'timezone', default: 'UTC' },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
