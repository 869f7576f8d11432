import { defineNode, type PortOutputs, type ResumeEvent, type WaitRequest } from '../../contract.js';
import { configSchema, type Config } from './schema.js';

export default defineNode<Config>({
  type: 'logic.approval',
  category: 'Logic',
  title: 'Approval',
  description: 'Waits for a person to approve or reject (GET …/approvals, POST …/approvals/:aid/decide), then passes its input on the matching port with the decision.',
  configSchema,
  waits: true,
  outputs: ['approved', 'rejected'],
  run({ config }): WaitRequest {
    const approval: { title: string; description?: string } = { title: config.title };
    if (config.description) approval.description = config.description;
    return { $wait: { approval } };
  },
  resume(ctx: { input: unknown }, event: ResumeEvent): PortOutputs {
    const decision = event.decision === 'approved' ? 'approved' : 'rejected';
    return { [decision]: { input: ctx.input, decision, comment: event.comment ?? null, decidedBy: event.decidedBy ?? null } };
  },
});
