import type { GhlClient } from './client.js';
import { customFieldsByKey, customFieldValues } from './custom-fields.js';
import { customFieldsField, defined, OPPORTUNITY_STATUSES, pipelineIdField, userIdField } from './node.js';
import { resolveStage, type StageChoice } from './pipelines.js';

/** A pipeline and stage by id (from the editor's dropdowns) or by name (looked up when the step runs). */
export const stageChoiceProperties = {
  pipelineId: pipelineIdField,
  pipelineName: { type: 'string', minLength: 1, maxLength: 200, title: 'Pipeline name', description: 'Instead of the pipeline id: the pipeline with this name.' },
  stageId: { type: 'string', minLength: 1, maxLength: 100, title: 'Stage', 'x-ui': { widget: 'options', source: 'pipelines', stagesOf: 'pipelineId' } },
  stageName: { type: 'string', minLength: 1, maxLength: 200, title: 'Stage name', description: 'Instead of the stage id: the stage with this name in the pipeline.' },
} as const;

/** The fields the create and update nodes take beside the stage. */
export const opportunityFieldProperties = {
  name: { type: 'string', minLength: 1, maxLength: 500, title: 'Name' },
  status: { type: 'string', enum: OPPORTUNITY_STATUSES, title: 'Status' },
  monetaryValue: { type: 'number', minimum: 0, title: 'Value' },
  assignedTo: { ...userIdField, title: 'Assigned to (user)' },
  customFields: customFieldsField,
} as const;

export interface OpportunityFields extends StageChoice {
  name?: string;
  status?: (typeof OPPORTUNITY_STATUSES)[number];
  monetaryValue?: number;
  assignedTo?: string;
  customFields?: Record<string, unknown>;
}

/** GoHighLevel's body for these fields: names looked up to ids, custom fields mapped from keys. */
export async function opportunityBody(client: GhlClient, fields: OpportunityFields): Promise<Record<string, unknown>> {
  const { pipelineId, pipelineName, stageId, stageName, customFields, ...plain } = fields;
  const stage = await resolveStage(client, { pipelineId, pipelineName, stageId, stageName });
  return defined({ ...plain, pipelineId: stage.pipelineId, pipelineStageId: stage.pipelineStageId, customFields: await customFieldValues(client, 'opportunity', customFields) });
}

export interface GhlOpportunity {
  id: string;
  name?: string;
  status?: string;
  customFields?: unknown;
  [field: string]: unknown;
}

export async function opportunityOutput(client: GhlClient, opportunity: GhlOpportunity): Promise<{ opportunity: GhlOpportunity; fields: Record<string, unknown> }> {
  return { opportunity, fields: await customFieldsByKey(client, 'opportunity', opportunity.customFields) };
}
