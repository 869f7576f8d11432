import { defineNode } from '../../contract.js';
import { configSchema, type Config } from './schema.js';

export default defineNode<Config>({
  type: 'trigger.manual',
  category: 'Triggers',
  title: 'Manual trigger',
  description: 'Starts the flow when someone presses Run in the editor or calls POST …/flows/:fid/run. Emits the run input.',
  configSchema,
  outputs: ['main'],
  trigger: true,
  pure: true,
  run: ({ input }) => ({ main: input ?? {} }),
});
