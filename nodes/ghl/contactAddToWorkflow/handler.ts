import type { FromSchema } from 'json-schema-to-ts';
import { defineNode } from '../../contract.js';
import { contactIdField, integrationIdField, segment, stepClient } from '../lib/node.js';

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

export default defineNode<Config>({
  type: 'ghl.contact.addToWorkflow',
  category: 'GoHighLevel',
  title: 'Add to workflow',
  description: 'Enrols a contact in a GoHighLevel workflow. Emits {contactId, workflowId}.',
  integration: 'gohighlevel',
  configSchema,
  outputs: ['main', 'error'],
  async run(ctx) {
    const contactId = segment(ctx.config.contactId, 'contact id');
    const workflowId = segment(ctx.config.workflowId, 'workflow id');
    const body = ctx.config.eventStartTime ? { eventStartTime: ctx.config.eventStartTime } : {};
    await stepClient(ctx).request({ method: 'POST', path: `/contacts/${contactId}/workflow/${workflowId}`, body, what: 'adding the contact to the workflow' });
    return { main: { contactId, workflowId } };
  },
});
