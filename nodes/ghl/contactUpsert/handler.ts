import type { FromSchema } from 'json-schema-to-ts';
import { contactBody, contactFieldProperties, contactOutput, type GhlContact } from '../lib/contacts.js';
import { integrationIdField, stepClient } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId'],
  anyOf: [{ required: ['email'] }, { required: ['phone'] }],
  properties: {
    integrationId: integrationIdField,
    ...contactFieldProperties,
    tags: {
      type: 'array',
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 200 },
      title: 'Tags (replace all)',
      description: 'Replaces every tag of the contact, as GoHighLevel\'s upsert does; use "Add tags" to add some.',
    },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.contact.upsert',
  title: 'Create or update contact',
  description:
    'Creates the contact, or updates the one with the same email or phone (GoHighLevel\'s upsert): safe to run again after a crash. ' +
    'Custom fields by key. Emits {new, contact, fields} (fields: custom fields by key).',
  configSchema,
  async run(ctx) {
    const { integrationId: _, tags, ...fields } = ctx.config;
    const client = stepClient(ctx);
    const body = { locationId: client.locationId, ...(await contactBody(client, fields)), ...(tags ? { tags } : {}) };
    const answer = await client.request<{ new?: boolean; contact: GhlContact }>({ method: 'POST', path: '/contacts/upsert', body, what: 'the contact upsert' });
    return { main: { new: answer.new === true, ...(await contactOutput(client, answer.contact)) } };
  },
});
