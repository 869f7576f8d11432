import type { FromSchema } from 'json-schema-to-ts';
import { contactOutput, type GhlContact } from '../lib/contacts.js';
import { integrationIdField, stepClient } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId'],
  anyOf: [{ required: ['email'] }, { required: ['phone'] }],
  properties: {
    integrationId: integrationIdField,
    email: { type: 'string', maxLength: 320, title: 'Email' },
    phone: { type: 'string', maxLength: 50, title: 'Phone' },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.contact.find',
  title: 'Find contact',
  description: 'Looks a contact up by email or phone (GoHighLevel\'s duplicate search). Emits {found, contact, fields}; contact is null when none matches.',
  configSchema,
  async run(ctx) {
    const client = stepClient(ctx);
    const query = { locationId: client.locationId, email: ctx.config.email, number: ctx.config.phone };
    const answer = await client.request<{ contact?: GhlContact | null }>({ method: 'GET', path: '/contacts/search/duplicate', query, what: 'the contact search' });
    if (!answer.contact) return { main: { found: false, contact: null, fields: {} } };
    return { main: { found: true, ...(await contactOutput(client, answer.contact)) } };
  },
});
