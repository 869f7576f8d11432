import { badRequest, locationFor, now, pathObject, unprocessable, type FakeCall, type FakeRoute } from './routing.js';
import { ghlId, type FakeLocation, type FakeOpportunity } from './state.js';

const STATUSES = ['open', 'won', 'lost', 'abandoned'];
const UPDATE_FIELDS = ['pipelineId', 'name', 'pipelineStageId', 'status', 'monetaryValue', 'assignedTo', 'customFields'] as const;

function checkStatus(status: unknown): void {
  if (status !== undefined && !STATUSES.includes(status as string)) throw unprocessable([`status must be one of the following values: ${STATUSES.join(', ')}`]);
}

/** Stage and pipeline must belong together, as GoHighLevel checks. */
function checkStage(location: FakeLocation, pipelineId: string, stageId: unknown): void {
  const pipeline = location.pipelines.find((p) => p.id === pipelineId);
  if (!pipeline) throw badRequest('Pipeline not found');
  if (stageId !== undefined && !pipeline.stages.some((s) => s.id === stageId)) throw badRequest('Pipeline stage not found');
}

function customValues(location: FakeLocation, input: unknown, current: FakeOpportunity['customFields']): FakeOpportunity['customFields'] {
  if (input === undefined) return current;
  if (!Array.isArray(input)) throw unprocessable(['customFields must be an array']);
  const out = new Map(current.map((f) => [f.id, f.fieldValue]));
  input.forEach((item: Record<string, unknown>, i) => {
    const field = location.customFields.find((f) => f.id === item?.id || f.fieldKey === item?.key);
    if (!field) throw unprocessable([`customFields.${i}.id must be the id of a custom field`]);
    out.set(field.id, item.field_value);
  });
  return [...out].map(([id, fieldValue]) => ({ id, fieldValue }));
}

const opportunityFor = (call: FakeCall): FakeOpportunity => pathObject(call, call.state.opportunities, 'Opportunity');

export const opportunityRoutes: FakeRoute[] = [
  {
    method: 'GET',
    pattern: /^\/opportunities\/pipelines$/,
    version: '2021-07-28',
    handle: (call) => ({ status: 200, body: { pipelines: locationFor(call, call.query.get('locationId')).pipelines } }),
  },
  {
    method: 'GET',
    pattern: /^\/opportunities\/search$/,
    version: '2021-07-28',
    handle(call) {
      const location = locationFor(call, call.query.get('location_id'));
      const q = call.query;
      const found = [...call.state.opportunities.values()].filter(
        (o) =>
          o.locationId === location.id &&
          (!q.get('contact_id') || o.contactId === q.get('contact_id')) &&
          (!q.get('pipeline_id') || o.pipelineId === q.get('pipeline_id')) &&
          (!q.get('pipeline_stage_id') || o.pipelineStageId === q.get('pipeline_stage_id')) &&
          (!q.get('status') || q.get('status') === 'all' || o.status === q.get('status')) &&
          (!q.get('q') || o.name.toLowerCase().includes(q.get('q')!.toLowerCase())),
      );
      const limit = Number(q.get('limit') ?? 20);
      return { status: 200, body: { opportunities: found.slice(0, limit), meta: { total: found.length, currentPage: 1 }, aggregations: {} } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/opportunities\/?$/,
    version: '2021-07-28',
    fields: ['locationId', 'contactId', ...UPDATE_FIELDS],
    required: ['pipelineId', 'locationId', 'name', 'status', 'contactId'],
    handle(call) {
      const location = locationFor(call, call.body.locationId as string);
      const b = call.body;
      checkStatus(b.status);
      checkStage(location, b.pipelineId as string, b.pipelineStageId);
      if (!call.state.contacts.has(b.contactId as string)) throw badRequest('Contact not found');
      const pipeline = location.pipelines.find((p) => p.id === b.pipelineId)!;
      const opportunity: FakeOpportunity = {
        id: ghlId(),
        locationId: location.id,
        name: String(b.name),
        pipelineId: pipeline.id,
        pipelineStageId: (b.pipelineStageId as string | undefined) ?? pipeline.stages[0]!.id,
        status: b.status as FakeOpportunity['status'],
        contactId: String(b.contactId),
        monetaryValue: b.monetaryValue as number | undefined,
        assignedTo: b.assignedTo as string | undefined,
        customFields: customValues(location, b.customFields, []),
        createdAt: now(),
        updatedAt: now(),
      };
      call.state.opportunities.set(opportunity.id, opportunity);
      return { status: 201, body: { opportunity } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/opportunities\/([^/]+)$/,
    version: '2021-07-28',
    handle: (call) => ({ status: 200, body: { opportunity: opportunityFor(call) } }),
  },
  {
    method: 'PUT',
    pattern: /^\/opportunities\/([^/]+)$/,
    version: '2021-07-28',
    fields: UPDATE_FIELDS,
    handle(call) {
      const opportunity = opportunityFor(call);
      const location = call.state.locations.get(opportunity.locationId)!;
      const b = call.body;
      checkStatus(b.status);
      checkStage(location, (b.pipelineId as string | undefined) ?? opportunity.pipelineId, b.pipelineStageId);
      for (const key of UPDATE_FIELDS) if (key !== 'customFields' && b[key] !== undefined) (opportunity as unknown as Record<string, unknown>)[key] = b[key];
      opportunity.customFields = customValues(location, b.customFields, opportunity.customFields);
      opportunity.updatedAt = now();
      return { status: 200, body: { opportunity } };
    },
  },
  {
    method: 'PUT',
    pattern: /^\/opportunities\/([^/]+)\/status$/,
    version: '2021-07-28',
    fields: ['status'],
    required: ['status'],
    handle(call) {
      const opportunity = opportunityFor(call);
      checkStatus(call.body.status);
      opportunity.status = call.body.status as FakeOpportunity['status'];
      opportunity.updatedAt = now();
      return { status: 200, body: { succeded: true } };
    },
  },
];
