import type { FromSchema } from 'json-schema-to-ts';
import { contactBody, contactFieldProperties, contactOutput, type GhlContact } from '../lib/contacts.js';
import { contactIdField, integrationIdField, segment, someChange, stepClient } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId'],
  properties: { integrationId: integrationIdField, contactId: contactIdField, ...contactFieldProperties },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.contact.update',
  title: 'Update contact',
  description: 'Changes the given fields of a contact (others are kept); custom fields by key. Emits {contact, fields}.',
  configSchema,
  async run(ctx) {
    const { integrationId: _, contactId, ...fields } = ctx.config;
    const client = stepClient(ctx);
    const body = someChange(await contactBody(client, fields));
    const answer = await client.request<{ contact: GhlContact }>({ method: 'PUT', path: `/contacts/${segment(contactId, 'contact id')}`, body, what: 'the contact update' });
    return { main: await contactOutput(client, answer.contact) };
  },
});
