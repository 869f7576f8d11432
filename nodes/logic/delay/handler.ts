import { defineNode, NodeError } from '../../contract.js';
import { configSchema, type Config } from './schema.js';

const UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

export default defineNode<Config>({
  type: 'logic.delay',
  category: 'Logic',
  title: 'Delay',
  description: 'Waits for a duration or until a time, then passes its input on. The execution is parked while it waits: no process is held, and it survives restarts.',
  configSchema,
  waits: true,
  outputs: ['main'],
  run({ config }) {
    const until = config.until ? Date.parse(config.until) : Date.now() + (config.amount ?? 0) * UNIT_MS[config.unit ?? 'seconds'];
    if (Number.isNaN(until)) throw new NodeError(`"${config.until}" is not a time.`, 'invalid_time');
    return { $wait: { until: new Date(until).toISOString() } };
  },
});
