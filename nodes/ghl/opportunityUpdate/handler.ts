import type { FromSchema } from 'json-schema-to-ts';
import { integrationIdField, opportunityIdField, segment, someChange, stepClient } from '../lib/node.js';
import { opportunityBody, opportunityFieldProperties, opportunityOutput, stageChoiceProperties, type GhlOpportunity } from '../lib/opportunities.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'opportunityId'],
  properties: { integrationId: integrationIdField, opportunityId: opportunityIdField, ...stageChoiceProperties, ...opportunityFieldProperties },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.opportunity.update',
  title: 'Update opportunity',
  description: 'Changes the given fields of an opportunity (name, status, value, owner, pipeline and stage by id or name, custom fields by key). Emits {opportunity, fields}.',
  configSchema,
  async run(ctx) {
    const { integrationId: _, opportunityId, ...fields } = ctx.config;
    const client = stepClient(ctx);
    const body = someChange(await opportunityBody(client, fields));
    const answer = await client.request<{ opportunity: GhlOpportunity }>({ method: 'PUT', path: `/opportunities/${segment(opportunityId, 'opportunity id')}`, body, what: 'the opportunity update' });
    return { main: await opportunityOutput(client, answer.opportunity) };
  },
});
