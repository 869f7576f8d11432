import type { FromSchema } from 'json-schema-to-ts';
import { defineNode } from '../../contract.js';
import { contactIdField, integrationIdField, segment, stepClient, userIdField } from '../lib/node.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'body'],
  properties: {
    integrationId: integrationIdField,
    contactId: contactIdField,
    body: { type: 'string', minLength: 1, maxLength: 50_000, title: 'Note', 'x-ui': { widget: 'textarea' } },
    userId: { ...userIdField, title: 'Written by (user)' },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineNode<Config>({
  type: 'ghl.contact.addNote',
  category: 'GoHighLevel',
  title: 'Add note',
  description: 'Adds a note to a contact. Emits {note}. GoHighLevel takes no idempotency key here: a step re-run after a crash may add the note twice.',
  integration: 'gohighlevel',
  configSchema,
  outputs: ['main', 'error'],
  async run(ctx) {
    const contactId = segment(ctx.config.contactId, 'contact id');
    const body = { body: ctx.config.body, ...(ctx.config.userId ? { userId: ctx.config.userId } : {}) };
    const answer = await stepClient(ctx).request<{ note?: unknown }>({ method: 'POST', path: `/contacts/${contactId}/notes`, body, what: 'adding the note' });
    return { main: { note: answer.note ?? null } };
  },
});
