import { defineNode } from '../../contract.js';
import { configSchema, type Config } from './schema.js';

export default defineNode<Config>({
  type: 'trigger.webhook',
  category: 'Triggers',
  title: 'Webhook',
  description:
    'Starts the flow when a request reaches its unguessable URL (shown in the flow’s triggers). Emits {method, headers, query, body}. ' +
    'Optionally checks an HMAC-SHA256 signature and drops repeated deliveries by Idempotency-Key or a body path.',
  configSchema,
  outputs: ['main'],
  trigger: true,
  pure: true,
  run: ({ input }) => ({ main: input }),
});
