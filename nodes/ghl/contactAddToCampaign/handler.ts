import type { FromSchema } from 'json-schema-to-ts';
import { defineNode } from '../../contract.js';
import { contactIdField, integrationIdField, segment, stepClient } from '../lib/node.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'campaignId'],
  properties: {
    integrationId: integrationIdField,
    contactId: contactIdField,
    campaignId: { type: 'string', minLength: 1, maxLength: 100, title: 'Campaign', 'x-ui': { widget: 'options', source: 'campaigns' } },
  },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineNode<Config>({
  type: 'ghl.contact.addToCampaign',
  category: 'GoHighLevel',
  title: 'Add to campaign',
  description: 'Adds a contact to a GoHighLevel campaign. Emits {contactId, campaignId}.',
  integration: 'gohighlevel',
  configSchema,
  outputs: ['main', 'error'],
  async run(ctx) {
    const contactId = segment(ctx.config.contactId, 'contact id');
    const campaignId = segment(ctx.config.campaignId, 'campaign id');
    await stepClient(ctx).request({ method: 'POST', path: `/contacts/${contactId}/campaigns/${campaignId}`, body: {}, what: 'adding the contact to the campaign' });
    return { main: { contactId, campaignId } };
  },
});
