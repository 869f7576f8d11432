import type { GhlClient } from './client.js';
import { customFieldsByKey, customFieldValues } from './custom-fields.js';
import { customFieldsField, defined } from './node.js';

/** The contact fields the upsert and update nodes take (GoHighLevel's names). */
export const contactFieldProperties = {
  firstName: { type: 'string', maxLength: 200, title: 'First name' },
  lastName: { type: 'string', maxLength: 200, title: 'Last name' },
  name: { type: 'string', maxLength: 400, title: 'Full name' },
  email: { type: 'string', maxLength: 320, title: 'Email' },
  phone: { type: 'string', maxLength: 50, title: 'Phone', description: 'E.164, e.g. +15551234567.' },
  companyName: { type: 'string', maxLength: 200, title: 'Company' },
  source: { type: 'string', maxLength: 200, title: 'Source' },
  customFields: customFieldsField,
} as const;

export interface ContactFields {
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  source?: string;
  customFields?: Record<string, unknown>;
}

/** The body GoHighLevel takes for these fields, custom fields mapped from keys to ids. */
export async function contactBody(client: GhlClient, fields: ContactFields): Promise<Record<string, unknown>> {
  const { customFields, ...plain } = fields;
  return defined({ ...plain, customFields: await customFieldValues(client, 'contact', customFields) });
}

export interface GhlContact {
  id: string;
  customFields?: unknown;
  [field: string]: unknown;
}

/** A contact as nodes emit it: GoHighLevel's object, and its custom fields by key for expressions. */
export async function contactOutput(client: GhlClient, contact: GhlContact): Promise<{ contact: GhlContact; fields: Record<string, unknown> }> {
  return { contact, fields: await customFieldsByKey(client, 'contact', contact.customFields) };
}
