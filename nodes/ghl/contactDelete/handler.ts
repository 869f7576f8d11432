import type { FromSchema } from 'json-schema-to-ts';
import { contactCall, contactOnlySchema } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = contactOnlySchema;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.contact.delete',
  title: 'Delete contact',
  description: 'Deletes a contact. Emits {deleted: true, contactId}.',
  configSchema,
  async run(ctx) {
    const { contactId } = await contactCall(ctx, (id) => ({ method: 'DELETE', path: `/contacts/${id}`, what: 'deleting the contact' }));
    return { main: { deleted: true, contactId } };
  },
});
