import type { FromSchema } from 'json-schema-to-ts';
import { defineNode } from '../../contract.js';
import { contactIdField, integrationIdField, segment, stepClient, tagsField } from '../lib/node.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'tags'],
  properties: { integrationId: integrationIdField, contactId: contactIdField, tags: tagsField },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineNode<Config>({
  type: 'ghl.contact.addTags',
  category: 'GoHighLevel',
  title: 'Add tags',
  description: 'Adds tags to a contact; tags it already has stay, so running it twice changes nothing. Emits {contactId, tags}: the contact\'s tags afterwards.',
  integration: 'gohighlevel',
  configSchema,
  outputs: ['main', 'error'],
  async run(ctx) {
    const contactId = segment(ctx.config.contactId, 'contact id');
    const answer = await stepClient(ctx).request<{ tags?: string[] }>({ method: 'POST', path: `/contacts/${contactId}/tags`, body: { tags: ctx.config.tags }, what: 'adding the tags' });
    return { main: { contactId, tags: answer.tags ?? [] } };
  },
});
