import type { FromSchema } from 'json-schema-to-ts';
import { contactCall, contactIdField, integrationIdField, segment } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

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

export default defineGhlNode<Config>({
  type: 'ghl.contact.addToCampaign',
  title: 'Add to campaign',
  description: 'Adds a contact to a GoHighLevel campaign. Emits {contactId, campaignId}.',
  configSchema,
  async run(ctx) {
    const campaignId = ctx.config.campaignId;
    const { contactId } = await contactCall(ctx, (id) => ({ method: 'POST', path: `/contacts/${id}/campaigns/${segment(campaignId, 'campaign id')}`, body: {}, what: 'adding the contact to the campaign' }));
    return { main: { contactId, campaignId } };
  },
});
