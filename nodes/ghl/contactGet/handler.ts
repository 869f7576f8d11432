import type { FromSchema } from 'json-schema-to-ts';
import { contactOutput, type GhlContact } from '../lib/contacts.js';
import { contactOnlySchema, segment, stepClient } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = contactOnlySchema;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.contact.get',
  title: 'Get contact',
  description: 'Reads one contact by id. Emits {contact, fields} (fields: custom fields by key).',
  configSchema,
  async run(ctx) {
    const client = stepClient(ctx);
    const answer = await client.request<{ contact: GhlContact }>({ method: 'GET', path: `/contacts/${segment(ctx.config.contactId, 'contact id')}`, what: 'reading the contact' });
    return { main: await contactOutput(client, answer.contact) };
  },
});
