import type { Integration, IntegrationTemplate } from '../api/integrations.js';
import type { JsonSchema, Role } from '../api/types.js';

/** What the API shows in place of a stored secret; sent back unchanged, it keeps the secret (CONTRACT §4). */
export const MASK = '********';

/** Owners and admins manage custom templates and read the audit log (CONTRACT §4). */
export const canAdminister = (role: Role | undefined): boolean => role === 'owner' || role === 'admin';

type Props = Record<string, JsonSchema>;
const propertiesOf = (schema: JsonSchema): Props => ((schema as { properties?: Props }).properties ?? {}) as Props;

/** Fields encrypted at rest and masked in answers: `format: "password"` or `x-secret: true`. */
export const secretFields = (schema: JsonSchema): string[] =>
  Object.entries(propertiesOf(schema))
    .filter(([, field]) => field.format === 'password' || field['x-secret'] === true)
    .map(([name]) => name);

/** uiSchema for a template's config form: secrets typed into password inputs, long values into text areas. */
export function templateUiSchema(schema: JsonSchema): Record<string, unknown> {
  const ui: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(propertiesOf(schema))) {
    const hint = (field['x-ui'] as { widget?: string } | undefined)?.widget;
    if (hint === 'textarea') ui[name] = { 'ui:widget': 'textarea' };
    else if (field.format === 'password' || field['x-secret'] === true) ui[name] = { 'ui:widget': 'password' };
  }
  return ui;
}

/** The form's starting config when editing: what the API answered, masks included (they keep the secrets). */
export function editableConfig(integration: Integration): Record<string, unknown> {
  return { ...integration.config };
}

/** A template's standing in the open sub-account, for its card. */
export interface TemplateStanding {
  connected: number;
  /** The worst status among its integrations: one failing integration is what needs attention. */
  status: 'not connected' | 'active' | 'pending' | 'error';
}

export function standingOf(template: Pick<IntegrationTemplate, 'id'>, integrations: Pick<Integration, 'template' | 'status'>[]): TemplateStanding {
  const mine = integrations.filter((i) => i.template === template.id);
  if (!mine.length) return { connected: 0, status: 'not connected' };
  const status = mine.some((i) => i.status === 'error') ? 'error' : mine.some((i) => i.status !== 'active') ? 'pending' : 'active';
  return { connected: mine.length, status };
}

/** Templates grouped by category (built-in ones keep the server's order; custom ones last), filtered by a search. */
export function templatesByCategory(templates: IntegrationTemplate[], search = ''): [string, IntegrationTemplate[]][] {
  const q = search.trim().toLowerCase();
  const groups = new Map<string, IntegrationTemplate[]>();
  for (const t of templates) {
    if (q && !`${t.displayName} ${t.name} ${t.category} ${t.description}`.toLowerCase().includes(q)) continue;
    const key = t.custom ? 'Custom' : t.category;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups];
}

/** One glyph per icon name the templates use (lucide names), so cards tell services apart without an icon font. */
const GLYPHS: Record<string, string> = {
  'building-2': '◎',
  mail: '✉',
  sparkles: '✱',
  'credit-card': '▭',
  globe: '↔',
  'key-round': '◈',
  megaphone: '◉',
  'chart-line': '▥',
  plug: '◌',
};
export const glyphOf = (icon: string | undefined): string => GLYPHS[icon ?? ''] ?? '◌';

/** "5 minutes ago" for a timestamp, or "never". */
export function when(at: string | null | undefined, now = Date.now()): string {
  if (!at) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} hour${h === 1 ? '' : 's'} ago`;
  return new Date(at).toLocaleDateString();
}

/** The text of a custom template's config schema, parsed and checked enough to tell the person what is wrong. */
export function parseSchemaText(text: string): { schema: JsonSchema } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `The config schema is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'The config schema must be a JSON object (a JSON Schema).' };
  if ((value as JsonSchema).type !== 'object') return { error: 'The config schema must describe an object: "type": "object".' };
  return { schema: value as JsonSchema };
}
