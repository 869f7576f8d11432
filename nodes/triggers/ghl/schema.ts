import { ruleGroupSchema, type RuleGroup } from '../../logic/rules.js';

/** The GoHighLevel webhook events a flow can start on (reference: gohighlevel.md, Webhooks). */
export const GHL_EVENT_TYPES = [
  'ContactCreate', 'ContactUpdate', 'ContactDelete', 'ContactTagUpdate', 'ContactDndUpdate',
  'OpportunityCreate', 'OpportunityUpdate', 'OpportunityDelete', 'OpportunityStageUpdate', 'OpportunityStatusUpdate',
  'OpportunityMonetaryValueUpdate', 'OpportunityAssignedToUpdate',
  'AppointmentCreate', 'AppointmentUpdate', 'AppointmentDelete',
  'InboundMessage', 'OutboundMessage', 'NoteCreate', 'TaskCreate',
  'AppInstall', 'AppUninstall',
] as const;

/** What the flow waits for besides the event type: the changes GoHighLevel's own builder offers. */
export const GHL_CHANGES = ['any', 'tagAdded', 'tagRemoved', 'stageChanged', 'statusChanged', 'fieldChanged'] as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    events: {
      type: 'array',
      items: { type: 'string', enum: GHL_EVENT_TYPES },
      uniqueItems: true,
      minItems: 1,
      description: 'Event types that start the flow. Default: the ones that can carry the chosen change (tags: ContactTagUpdate, ContactUpdate, ContactCreate; stage: OpportunityStageUpdate, OpportunityUpdate, OpportunityCreate; …).',
    },
    on: { type: 'string', enum: GHL_CHANGES, default: 'any', description: 'Start only on this change, computed from the last snapshot seen of the contact or opportunity.' },
    tag: { type: 'string', maxLength: 200, description: 'For tag added / removed: the tag (any tag when empty; case does not matter).' },
    fromStage: { type: 'string', maxLength: 200, description: 'For stage changed: the stage it left, by name or id (any when empty).' },
    toStage: { type: 'string', maxLength: 200, description: 'For stage changed: the stage it reached, by name or id (any when empty).' },
    pipeline: { type: 'string', maxLength: 200, description: 'For stage changed: only in this pipeline, by name or id.' },
    fromStatus: { type: 'string', enum: ['open', 'won', 'lost', 'abandoned'], description: 'For status changed: the status it left.' },
    toStatus: { type: 'string', enum: ['open', 'won', 'lost', 'abandoned'], description: 'For status changed: the status it reached.' },
    field: { type: 'string', maxLength: 200, description: 'For field changed: the field (e.g. email, monetaryValue, or a custom field id); any field when empty.' },
    // The shared object itself, not a copy: a copy carries the same $id, and ajv refuses a second schema under
    // one id, so the first flow saved with a condition or switch made every later trigger.ghl config fail.
    rules: ruleGroupSchema,
    integrationId: { type: 'string', format: 'uuid', description: 'Only events of this GoHighLevel integration\'s location (default: any of the sub-account\'s).' },
  },
  // "Any change" names its events; the other changes have defaults (`on` absent is "any").
  if: { properties: { on: { const: 'any' } } },
  then: { required: ['events'] },
} as const;

// Hand-written rather than FromSchema: the rule group schema is recursive (see rules.ts).
export interface Config {
  events?: (typeof GHL_EVENT_TYPES)[number][];
  on?: (typeof GHL_CHANGES)[number];
  tag?: string;
  fromStage?: string;
  toStage?: string;
  pipeline?: string;
  fromStatus?: string;
  toStatus?: string;
  field?: string;
  rules?: RuleGroup;
  integrationId?: string;
}
