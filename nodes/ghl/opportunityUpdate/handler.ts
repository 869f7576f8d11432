import type { FromSchema } from 'json-schema-to-ts';
import { defineNode, NodeError } from '../../contract.js';
import { integrationIdField, opportunityIdField, segment, stepClient } from '../lib/node.js';
import { opportunityBody, opportunityFieldProperties, opportunityOutput, stageChoiceProperties, type GhlOpportunity } from '../lib/opportunities.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'opportunityId'],
  properties: { integrationId: integrationIdField, opportunityId: opportunityIdField, ...stageChoiceProperties, ...opportunityFieldProperties },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineNode<Config>({
  type: 'ghl.opportunity.update',
  category: 'GoHighLevel',
  title: 'Update opportunity',
  description: 'Changes the given fields of an opportunity (name, status, value, owner, pipeline and stage by id or name, custom fields by key). Emits {opportunity, fields}.',
  integration: 'gohighlevel',
  configSchema,
  outputs: ['main', 'error'],
  async run(ctx) {
    const { integrationId: _, opportunityId, ...fields } = ctx.config;
    const client = stepClient(ctx);
    const body = await opportunityBody(client, fields);
    if (!Object.keys(body).length) throw new NodeError('Nothing to update: give at least one field.', 'ghl_nothing_to_update');
    const answer = await client.request<{ opportunity: GhlOpportunity }>({ method: 'PUT', path: `/opportunities/${segment(opportunityId, 'opportunity id')}`, body, what: 'the opportunity update' });
    return { main: await opportunityOutput(client, answer.opportunity) };
  },
});
