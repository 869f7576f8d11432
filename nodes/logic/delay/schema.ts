import type { FromSchema } from 'json-schema-to-ts';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  oneOf: [{ required: ['amount', 'unit'] }, { required: ['until'] }],
  properties: {
    amount: { type: 'number', minimum: 0, maximum: 31_536_000 },
    unit: { type: 'string', enum: ['seconds', 'minutes', 'hours', 'days'] },
    until: { type: 'string', format: 'date-time', description: 'An ISO time; a time in the past continues at once.' },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
