import type { FromSchema } from 'json-schema-to-ts';
import { defineNode, NodeError, type Json } from '../../contract.js';

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flowId'],
  properties: {
    flowId: { type: 'string', format: 'uuid', description: 'The flow of this sub-account to run (its latest saved version; it need not be active).' },
    input: { description: 'What the called flow’s trigger receives. Default: this node’s input.' },
    waitForCompletion: {
      type: 'boolean',
      default: true,
      description: 'Wait for the called flow to end and continue with its result (its last node’s output); otherwise continue at once with {executionId}.',
    },
  },
} as const;

type Config = FromSchema<typeof configSchema>;

export default defineNode<Config>({
  type: 'flow.call',
  category: 'Logic',
  title: 'Call flow',
  description:
    'Runs another flow of the sub-account as a child execution and continues with its result. The caller waits without holding a process and resumes after a crash; ' +
    'the child’s failure reaches the error port. Parent and child link to each other in the executions API.',
  configSchema,
  outputs: ['main', 'error'],
  waits: true,
  run: ({ config, input }) => ({
    $wait: { call: { flowId: config.flowId, input: (config.input === undefined ? input : config.input) as Json, detach: config.waitForCompletion === false } },
  }),
  resume(_ctx, event) {
    const child = event.child;
    if (event.kind !== 'call' || !child) throw new NodeError('The called flow did not report back.', 'child_lost');
    if (child.status === 'started') return { main: { executionId: child.executionId ?? null } };
    if (child.status === 'succeeded') return { main: child.output ?? null };
    throw new NodeError(child.error?.message ?? `The called flow ended ${child.status}.`, child.error?.code ?? 'child_failed');
  },
});
