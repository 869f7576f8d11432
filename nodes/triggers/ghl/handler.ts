import { defineNode } from '../../contract.js';
import { evaluateRules, mayRunRegex } from '../../logic/rules.js';
import type { GhlTriggerInput } from './change.js';
import { matchesChange } from './match.js';
import { configSchema, type Config } from './schema.js';

export default defineNode<Config>({
  type: 'trigger.ghl',
  category: 'Triggers',
  title: 'GoHighLevel event',
  description:
    'Starts the flow on GoHighLevel events (POST /webhooks/gohighlevel) of the sub-account\'s GoHighLevel location: any event of the chosen types, or a change computed ' +
    'from the last snapshot seen: tag added / removed, pipeline stage changed (from / to, by name), status changed, field changed; optionally only when rules hold. ' +
    'Emits {type, locationId, event, snapshot, previous, change, integrationId}.',
  configSchema,
  outputs: ['main'],
  trigger: true,
  pure: true,
  sandboxed: (config) => !!(config as Partial<Config>).rules && mayRunRegex((config as Partial<Config>).rules),
  // The intake runs this same check before it starts anything; here it holds again, since the input is the same.
  run({ config, input }) {
    const event = input as GhlTriggerInput;
    return matchesChange(config, event) && (!config.rules || evaluateRules(config.rules)) ? { main: event } : {};
  },
});
