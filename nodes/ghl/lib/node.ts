import { NodeError, type NodeContext } from '../../contract.js';
import { ghlClient, type GhlClient, type GhlRequest } from './client.js';

/** The client for a step: its integration's credentials and token source, logging into the step. */
export function stepClient(ctx: NodeContext<unknown>): GhlClient {
  if (!ctx.credentials) throw new NodeError('This node needs a GoHighLevel integration: choose one in its config (integrationId).', 'integration_missing');
  return ghlClient({ credentials: ctx.credentials, integration: ctx.integration, signal: ctx.signal, allowPrivateNetwork: ctx.allowPrivateNetwork }, (line) => ctx.log(line));
}

/**
 * One call about the step's contact: its id checked as a path segment, the request built from it (which may
 * check more ids) and sent. Resolves with the checked id and GoHighLevel's answer.
 */
export async function contactCall<T = unknown>(ctx: NodeContext<{ contactId: string }>, request: (contactId: string) => GhlRequest): Promise<{ contactId: string; answer: T }> {
  const contactId = segment(ctx.config.contactId, 'contact id');
  const built = request(contactId);
  return { contactId, answer: await stepClient(ctx).request<T>(built) };
}

/** A path segment from a config value: ids only, so a value cannot reach another endpoint. */
export function segment(value: string, what: string): string {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(value)) throw new NodeError(`The ${what} "${value.slice(0, 100)}" is not a GoHighLevel id (letters, digits, - and _).`, 'invalid_id');
  return value;
}

/** An update's body, refused before it is sent when it changes no field. */
export function someChange<T extends Record<string, unknown>>(body: T): T {
  if (!Object.keys(body).length) throw new NodeError('Nothing to update: give at least one field.', 'ghl_nothing_to_update');
  return body;
}

/** Drops absent and empty-string fields: GoHighLevel would store "" over a value. */
export function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/** The GoHighLevel integration field every `ghl.*` node has. */
export const integrationIdField = {
  type: 'string',
  minLength: 1,
  title: 'GoHighLevel integration',
  description: 'A gohighlevel integration of this sub-account.',
  'x-ui': { widget: 'integration', template: 'gohighlevel' },
} as const;

const idField = (title: string, options?: string) =>
  ({ type: 'string', minLength: 1, maxLength: 100, title, ...(options ? { 'x-ui': { widget: 'options', source: options } } : {}) }) as const;

export const contactIdField = idField('Contact ID');

/** The config of a node that names one contact and nothing else (get, delete). */
export const contactOnlySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'contactId'],
  properties: { integrationId: integrationIdField, contactId: contactIdField },
} as const;
export const opportunityIdField = idField('Opportunity ID');
export const pipelineIdField = idField('Pipeline', 'pipelines');
export const userIdField = idField('User', 'users');

export const tagsField = {
  type: 'array',
  minItems: 1,
  maxItems: 100,
  items: { type: 'string', minLength: 1, maxLength: 200 },
  title: 'Tags',
  'x-ui': { widget: 'options', source: 'tags', multiple: true },
} as const;

export const customFieldsField = {
  type: 'object',
  maxProperties: 200,
  title: 'Custom fields',
  description: 'By key, e.g. {"lead_score": 80} or {"contact.lead_score": 80}; mapped to the location\'s custom field ids.',
  'x-ui': { widget: 'keyValue', keySource: 'customFields' },
} as const;

export const OPPORTUNITY_STATUSES = ['open', 'won', 'lost', 'abandoned'] as const;
