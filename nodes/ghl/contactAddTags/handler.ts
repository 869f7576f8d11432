import type { FromSchema } from 'json-schema-to-ts';
import { contactCall, contactIdField, integrationIdField, tagsField } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'tags'],
  properties: { integrationId: integrationIdField, contactId: contactIdField, tags: tagsField },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.contact.addTags',
  title: 'Add tags',
  description: 'Adds tags to a contact; tags it already has stay, so running it twice changes nothing. Emits {contactId, tags}: the contact\'s tags afterwards.',
  configSchema,
  async run(ctx) {
    const { contactId, answer } = await contactCall<{ tags?: string[] }>(ctx, (id) => ({ method: 'POST', path: `/contacts/${id}/tags`, body: { tags: ctx.config.tags }, what: 'adding the tags' }));
    return { main: { contactId, tags: answer.tags ?? [] } };
  },
});
