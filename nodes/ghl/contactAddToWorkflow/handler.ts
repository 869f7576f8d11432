import type { FromSchema } from 'json-schema-to-ts';
import { contactCall, contactIdField, integrationIdField, segment } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'workflowId'],
  properties: {
    integrationId: integrationIdField,
    contactId: contactIdField,
    workflowId: { type: 'string', minLength: 1, maxLength: 100, title: 'Workflow', 'x-ui': { widget: 'options', source: 'workflows' } },
    eventStartTime: { type: 'string', format: 'date-time', title: 'Start at', description: 'When the workflow\'s timed events count from (ISO 8601); now when empty.' },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.contact.addToWorkflow',
  title: 'Add to workflow',
  description: 'Enrols a contact in a GoHighLevel workflow. Emits {contactId, workflowId}.',
  configSchema,
  async run(ctx) {
    const workflowId = ctx.config.workflowId;
    const body = ctx.config.eventStartTime ? { eventStartTime: ctx.config.eventStartTime } : {};
    const { contactId } = await contactCall(ctx, (id) => ({ method: 'POST', path: `/contacts/${id}/workflow/${segment(workflowId, 'workflow id')}`, body, what: 'adding the contact to the workflow' }));
    return { main: { contactId, workflowId } };
  },
});
