import { NodeError } from '../../contract.js';
import type { GhlClient } from './client.js';

interface CustomField {
  id: string;
  name: string;
  fieldKey: string;
}

/** A location's custom fields change rarely; a minute is short enough for a field just created. */
const CACHE_MS = 60_000;
const MAX_ENTRIES = 1_000;
const cache = new Map<string, { at: number; fields: Promise<CustomField[]> }>();

function fieldsOf(client: GhlClient, model: 'contact' | 'opportunity', fresh: boolean): Promise<CustomField[]> {
  const key = `${client.base}\u0000${client.locationId}\u0000${model}`;
  const cached = cache.get(key);
  if (!fresh && cached && Date.now() - cached.at < CACHE_MS) return cached.fields;
  const fields = client
    .request<{ customFields?: CustomField[] }>({ method: 'GET', path: `/locations/${encodeURIComponent(client.locationId)}/customFields`, query: { model }, what: 'reading the custom fields' })
    .then((answer) => answer.customFields ?? []);
  fields.catch(() => cache.delete(key));
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { at: Date.now(), fields });
  return fields;
}

const matches = (field: CustomField, key: string, model: string) => field.id === key || field.fieldKey === key || field.fieldKey === `${model}.${key}`;

/**
 * `{lead_score: 80}` → `[{id, field_value: 80}]`: custom fields named by key (with or without the
 * `contact.` prefix, or by id), mapped through the location's list. A key the list lacks is read again
 * once (a field created a moment ago), then refused naming the keys that exist.
 */
export async function customFieldValues(client: GhlClient, model: 'contact' | 'opportunity', values: Record<string, unknown> | undefined): Promise<{ id: string; field_value: unknown }[] | undefined> {
  const entries = Object.entries(values ?? {});
  if (!entries.length) return undefined;
  let fields = await fieldsOf(client, model, false);
  if (entries.some(([key]) => !fields.some((f) => matches(f, key, model)))) fields = await fieldsOf(client, model, true);
  const unknown = entries.filter(([key]) => !fields.some((f) => matches(f, key, model))).map(([key]) => key);
  if (unknown.length) {
    const known = fields.map((f) => f.fieldKey).join(', ') || 'none';
    throw new NodeError(`This GoHighLevel location has no ${model} custom field ${unknown.map((k) => `"${k}"`).join(', ')}; its fields are: ${known}.`, 'ghl_unknown_custom_field');
  }
  return entries.map(([key, value]) => ({ id: fields.find((f) => matches(f, key, model))!.id, field_value: value }));
}

/** `[{id, value}]` as GoHighLevel returns them → `{fieldKey: value}`, for expressions downstream. */
export async function customFieldsByKey(client: GhlClient, model: 'contact' | 'opportunity', stored: unknown): Promise<Record<string, unknown>> {
  if (!Array.isArray(stored) || !stored.length) return {};
  const fields = await fieldsOf(client, model, false);
  const out: Record<string, unknown> = {};
  for (const item of stored as { id?: string; value?: unknown; fieldValue?: unknown }[]) {
    const field = fields.find((f) => f.id === item.id);
    out[field ? field.fieldKey.replace(`${model}.`, '') : String(item.id)] = item.value ?? item.fieldValue;
  }
  return out;
}
