import type { FromSchema } from 'json-schema-to-ts';
import { integrationIdField, OPPORTUNITY_STATUSES, opportunityIdField, segment, stepClient } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'opportunityId', 'status'],
  properties: {
    integrationId: integrationIdField,
    opportunityId: opportunityIdField,
    status: { type: 'string', enum: OPPORTUNITY_STATUSES, title: 'Status' },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.opportunity.updateStatus',
  title: 'Set opportunity status',
  description: 'Marks an opportunity open, won, lost or abandoned. Emits {opportunityId, status}.',
  configSchema,
  async run(ctx) {
    const opportunityId = segment(ctx.config.opportunityId, 'opportunity id');
    await stepClient(ctx).request({ method: 'PUT', path: `/opportunities/${opportunityId}/status`, body: { status: ctx.config.status }, what: 'setting the opportunity status' });
    return { main: { opportunityId, status: ctx.config.status } };
  },
});
