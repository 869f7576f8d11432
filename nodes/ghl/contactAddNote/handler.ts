import type { FromSchema } from 'json-schema-to-ts';
import { contactCall, contactIdField, integrationIdField, userIdField } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

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

export default defineGhlNode<Config>({
  type: 'ghl.contact.addNote',
  title: 'Add note',
  description: 'Adds a note to a contact. Emits {note}. GoHighLevel takes no idempotency key here: a step re-run after a crash may add the note twice.',
  configSchema,
  async run(ctx) {
    const body = { body: ctx.config.body, ...(ctx.config.userId ? { userId: ctx.config.userId } : {}) };
    const { answer } = await contactCall<{ note?: unknown }>(ctx, (id) => ({ method: 'POST', path: `/contacts/${id}/notes`, body, what: 'adding the note' }));
    return { main: { note: answer.note ?? null } };
  },
});
