import type { FromSchema } from 'json-schema-to-ts';
import { integrationIdField, opportunityIdField, segment, stepClient } from '../lib/node.js';
import { opportunityOutput, stageChoiceProperties, type GhlOpportunity } from '../lib/opportunities.js';
import { resolveStage } from '../lib/pipelines.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'opportunityId'],
  allOf: [{ anyOf: [{ required: ['pipelineId'] }, { required: ['pipelineName'] }] }, { anyOf: [{ required: ['stageId'] }, { required: ['stageName'] }] }],
  properties: { integrationId: integrationIdField, opportunityId: opportunityIdField, ...stageChoiceProperties },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.opportunity.updateStage',
  title: 'Move opportunity to stage',
  description: 'Moves an opportunity to a stage, named by id or by pipeline and stage name (looked up in the location\'s pipelines). Emits {opportunity, fields, stageName}.',
  configSchema,
  async run(ctx) {
    const { integrationId: _, opportunityId, ...choice } = ctx.config;
    const client = stepClient(ctx);
    const { pipelineId, pipelineStageId, stageName } = await resolveStage(client, choice);
    const path = `/opportunities/${segment(opportunityId, 'opportunity id')}`;
    const answer = await client.request<{ opportunity: GhlOpportunity }>({ method: 'PUT', path, body: { pipelineId, pipelineStageId }, what: 'moving the opportunity' });
    return { main: { ...(await opportunityOutput(client, answer.opportunity)), stageName } };
  },
});
