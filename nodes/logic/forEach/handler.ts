import { defineNode } from '../../contract.js';
import { configSchema, type Config } from './schema.js';

export default defineNode<Config>({
  type: 'logic.forEach',
  category: 'Logic',
  title: 'For each',
  description:
    'Runs the branch on `item` once per element of a list (in order, or several at a time), then emits on `done` ' +
    '{results: [{index, item, output} | {index, item, error}], succeeded, failed}. Delays, approvals and loops cannot sit inside the branch.',
  configSchema,
  outputs: ['item', 'done', 'error'],
  loop: {
    port: 'item',
    donePort: 'done',
    concurrency: (config) => config.concurrency ?? 1,
    continueOnError: (config) => config.onError === 'continue',
  },
  run: ({ config }) => ({ item: config.items }),
});
