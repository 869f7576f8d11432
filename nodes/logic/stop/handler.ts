import type { FromSchema } from 'json-schema-to-ts';
import { defineNode } from '../../contract.js';

const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['failed', 'succeeded'], default: 'failed', description: 'How the execution ends: failed with the message (a validation branch), or succeeded.' },
    message: { type: 'string', maxLength: 2000, description: 'Why it stopped; the execution’s error when it ends failed. Expressions allowed.' },
  },
} as const;

type Config = FromSchema<typeof configSchema>;

export default defineNode<Config>({
  type: 'logic.stop',
  category: 'Logic',
  title: 'Stop',
  description:
    'Ends the execution here: failed with a message (its error, routed to the error flow) or succeeded. Nodes not yet run do not run. ' +
    'Inside a forEach branch it ends that item only.',
  configSchema,
  outputs: [],
  run: ({ config }) => ({ $stop: { status: config.status ?? 'failed', ...(config.message ? { message: config.message } : {}) } }),
});
