import type { FromSchema } from 'json-schema-to-ts';
import { defineGhlNode } from './define.js';
import { contactCall, contactIdField, integrationIdField, tagsField } from './node.js';

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId', 'tags'],
  properties: { integrationId: integrationIdField, contactId: contactIdField, tags: tagsField },
} as const;
type Config = FromSchema<typeof configSchema>;

/** `ghl.contact.addTags` and `.removeTags`: one endpoint, POST adds and DELETE removes; both emit the tags afterwards. */
export function contactTagsNode(node: { type: string; title: string; description: string; method: 'POST' | 'DELETE'; what: string }) {
  return defineGhlNode<Config>({
    type: node.type,
    title: node.title,
    description: node.description,
    configSchema,
    async run(ctx) {
      const { contactId, answer } = await contactCall<{ tags?: string[] }>(ctx, (id) => ({ method: node.method, path: `/contacts/${id}/tags`, body: { tags: ctx.config.tags }, what: node.what }));
      return { main: { contactId, tags: answer.tags ?? [] } };
    },
  });
}
