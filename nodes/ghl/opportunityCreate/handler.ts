import type { FromSchema } from 'json-schema-to-ts';
import type { GhlClient } from '../lib/client.js';
import { contactIdField, integrationIdField, stepClient } from '../lib/node.js';
import { opportunityBody, opportunityFieldProperties, opportunityOutput, stageChoiceProperties, type GhlOpportunity } from '../lib/opportunities.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'name'],
  anyOf: [{ required: ['pipelineId'] }, { required: ['pipelineName'] }],
  properties: {
    integrationId: integrationIdField,
    contactId: contactIdField,
    ...stageChoiceProperties,
    ...opportunityFieldProperties,
    skipIfExists: {
      type: 'boolean',
      default: true,
      title: 'Reuse an existing one',
      description: 'When the contact already has an opportunity with this name and status in the pipeline, emit it instead of creating another (a re-run after a crash creates none).',
    },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

/** The contact's opportunity this step would create, if an earlier run of it (or anything else) made it. */
async function existing(client: GhlClient, body: Record<string, unknown>): Promise<GhlOpportunity | undefined> {
  const query = { location_id: client.locationId, contact_id: body.contactId as string, pipeline_id: body.pipelineId as string, status: body.status as string, limit: 100 };
  const answer = await client.request<{ opportunities?: GhlOpportunity[] }>({ method: 'GET', path: '/opportunities/search', query, what: 'the search for an existing opportunity' });
  const name = String(body.name).trim().toLowerCase();
  return answer.opportunities?.find((o) => o.name?.trim().toLowerCase() === name);
}

export default defineGhlNode<Config>({
  type: 'ghl.opportunity.create',
  title: 'Create opportunity',
  description:
    'Opens an opportunity for a contact in a pipeline and stage, by id or by name (looked up). Status defaults to open; custom fields by key. ' +
    'Unless skipIfExists is off, an opportunity of the contact with the same name and status in that pipeline is reused. Emits {created, opportunity, fields}.',
  configSchema,
  async run(ctx) {
    const { integrationId: _, contactId, skipIfExists, ...fields } = ctx.config;
    const client = stepClient(ctx);
    const body = { locationId: client.locationId, contactId, status: 'open', ...(await opportunityBody(client, fields)) };
    const found = skipIfExists !== false ? await existing(client, body) : undefined;
    if (found) return { main: { created: false, ...(await opportunityOutput(client, found)) } };
    const answer = await client.request<{ opportunity: GhlOpportunity }>({ method: 'POST', path: '/opportunities/', body, what: 'creating the opportunity' });
    return { main: { created: true, ...(await opportunityOutput(client, answer.opportunity)) } };
  },
});
