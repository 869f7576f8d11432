import type { FromSchema } from 'json-schema-to-ts';
import { defineNode } from '../../contract.js';
import { contactIdField, integrationIdField, segment, stepClient } from '../lib/node.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId'],
  properties: { integrationId: integrationIdField, contactId: contactIdField },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineNode<Config>({
  type: 'ghl.contact.delete',
  category: 'GoHighLevel',
  title: 'Delete contact',
  description: 'Deletes a contact. Emits {deleted: true, contactId}.',
  integration: 'gohighlevel',
  configSchema,
  outputs: ['main', 'error'],
  async run(ctx) {
    const contactId = segment(ctx.config.contactId, 'contact id');
    await stepClient(ctx).request({ method: 'DELETE', path: `/contacts/${contactId}`, what: 'deleting the contact' });
    return { main: { deleted: true, contactId } };
  },
});
