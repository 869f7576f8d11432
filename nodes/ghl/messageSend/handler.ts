import type { FromSchema } from 'json-schema-to-ts';
import { contactIdField, defined, integrationIdField, segment, stepClient } from '../lib/node.js';
import { defineGhlNode } from '../lib/define.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'type'],
  properties: {
    integrationId: integrationIdField,
    contactId: contactIdField,
    type: { type: 'string', enum: ['SMS', 'Email'], default: 'SMS', title: 'Channel' },
    message: { type: 'string', minLength: 1, maxLength: 20_000, title: 'Message', description: 'The SMS text, or the plain-text email body.', 'x-ui': { widget: 'textarea' } },
    subject: { type: 'string', minLength: 1, maxLength: 500, title: 'Subject (email)' },
    html: { type: 'string', minLength: 1, maxLength: 200_000, title: 'HTML body (email)', 'x-ui': { widget: 'textarea' } },
    emailFrom: { type: 'string', maxLength: 320, title: 'From (email)', description: 'Defaults to the location\'s sender.' },
    emailTo: { type: 'string', maxLength: 320, title: 'To (email)', description: 'Defaults to the contact\'s email.' },
  },
  // An SMS needs its text; an email a subject and a body.
  if: { properties: { type: { const: 'Email' } }, required: ['type'] },
  then: { required: ['subject'], anyOf: [{ required: ['message'] }, { required: ['html'] }] },
  else: { required: ['message'] },
} as const;
type Config = FromSchema<typeof configSchema>;

export default defineGhlNode<Config>({
  type: 'ghl.message.send',
  title: 'Send message',
  description:
    'Sends an SMS or an email to a contact through GoHighLevel\'s conversations (from the location\'s number or sender). Emits {conversationId, messageId, emailMessageId?}. ' +
    'GoHighLevel takes no idempotency key here: a step re-run after a crash may send twice.',
  configSchema,
  async run(ctx) {
    const { integrationId: _, contactId, ...fields } = ctx.config;
    const body = defined({ contactId: segment(contactId, 'contact id'), ...fields });
    const answer = await stepClient(ctx).request<{ conversationId?: string; messageId?: string; emailMessageId?: string }>({ method: 'POST', path: '/conversations/messages', body, what: `sending the ${fields.type === 'Email' ? 'email' : 'SMS'}` });
    return { main: defined({ conversationId: answer.conversationId, messageId: answer.messageId, emailMessageId: answer.emailMessageId }) };
  },
});
