import type { JsonSchema, NodeType } from '../api/types.js';
import { loaderFieldUi } from './option-hints.js';

// What the config form (@rjsf) gets: the node's schema with the parts it cannot render well replaced by
// the editor's own fields, chosen through uiSchema: the rule builder for rule groups, a JSON editor for
// values of any type, an integration picker for `integrationId`.

const RULE_GROUP_ID = /rule-group\.json$/;

type Schema = Record<string, unknown>;
const isRuleGroup = (s: unknown): boolean => typeof (s as Schema)?.$id === 'string' && RULE_GROUP_ID.test((s as Schema).$id as string);
const isUntyped = (s: unknown): boolean => !!s && typeof s === 'object' && !('type' in (s as Schema)) && !('enum' in (s as Schema)) && !('const' in (s as Schema)) && !('$ref' in (s as Schema)) && !('anyOf' in (s as Schema)) && !('oneOf' in (s as Schema)) && !('properties' in (s as Schema));

/** The schema with rule groups reduced to plain objects (their recursive `$ref`s are the rule builder's business). */
export function formSchema(schema: JsonSchema): JsonSchema {
  const walk = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(walk);
    if (!s || typeof s !== 'object') return s;
    if (isRuleGroup(s)) return { type: 'object', title: 'Rules' };
    return Object.fromEntries(Object.entries(s as Schema).map(([k, v]) => [k, walk(v)]));
  };
  return walk(schema) as JsonSchema;
}

/** uiSchema for a node's form: the server's hints, plus the editor's widgets where the schema calls for them. */
export function uiSchemaFor(type: Pick<NodeType, 'configSchema' | 'uiSchema' | 'integration'>): Record<string, unknown> {
  const ui: Record<string, unknown> = {};
  const fieldsOf = (schema: unknown, target: Record<string, unknown>) => {
    const properties = ((schema as Schema)?.properties ?? {}) as Record<string, unknown>;
    for (const [name, prop] of Object.entries(properties)) {
      const loaderUi = loaderFieldUi(prop);
      if (loaderUi) target[name] = loaderUi;
      else if (isRuleGroup(prop)) target[name] = { 'ui:field': 'rules' };
      else if (isUntyped(prop)) target[name] = { 'ui:field': 'json' };
      else if (name === 'integrationId') target[name] = { 'ui:widget': 'integration' };
      else if ((prop as Schema)?.format === 'cron') target[name] = { 'ui:widget': 'cron' };
      else if ((prop as Schema)?.type === 'array' && (prop as Schema).items) {
        const items: Record<string, unknown> = {};
        fieldsOf((prop as Schema).items, items);
        if (Object.keys(items).length) target[name] = { items };
      } else if ((prop as Schema)?.type === 'object' && (prop as Schema).properties) {
        const nested: Record<string, unknown> = {};
        fieldsOf(prop, nested);
        if (Object.keys(nested).length) target[name] = nested;
      }
    }
  };
  fieldsOf(type.configSchema, ui);
  return merge(ui, type.uiSchema ?? {});
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = prev && typeof prev === 'object' && v && typeof v === 'object' && !Array.isArray(v) ? merge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
