import type { FromSchema } from 'json-schema-to-ts';
import { integrationIdField, OPPORTUNITY_STATUSES, stepClient } from '../lib/node.js';
import { stageChoiceProperties, type GhlOpportunity } from '../lib/opportunities.js';
import { resolveStage } from '../lib/pipelines.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId'],
  properties: {
    integrationId: integrationIdField,
    contactId: { type: 'string', minLength: 1, maxLength: 100, title: 'Contact ID' },
    ...stageChoiceProperties,
    status: { type: 'string', enum: [...OPPORTUNITY_STATUSES, 'all'], default: 'all', title: 'Status' },
    query: { type: 'string', maxLength: 200, title: 'Search text', description: 'Matches opportunity names (and contact details, as GoHighLevel\'s search does).' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, title: 'At most' },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.opportunity.find',
  title: 'Find opportunities',
  description: 'Searches the location\'s opportunities by contact, pipeline and stage (by id or name), status and text. Emits {opportunities, total, first} (first: the first match or null).',
  configSchema,
  async run(ctx) {
    const { contactId, pipelineId, pipelineName, stageId, stageName, status, query: q, limit } = ctx.config;
    const client = stepClient(ctx);
    const stage = await resolveStage(client, { pipelineId, pipelineName, stageId, stageName });
    const query = { location_id: client.locationId, contact_id: contactId, pipeline_id: stage.pipelineId, pipeline_stage_id: stage.pipelineStageId, status: status ?? 'all', q, limit: limit ?? 20 };
    const answer = await client.request<{ opportunities?: GhlOpportunity[]; meta?: { total?: number } }>({ method: 'GET', path: '/opportunities/search', query, what: 'the opportunity search' });
    const opportunities = answer.opportunities ?? [];
    return { main: { opportunities, total: answer.meta?.total ?? opportunities.length, first: opportunities[0] ?? null } };
  },
});
