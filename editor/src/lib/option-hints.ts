import type { OptionChoice } from '../api/integrations.js';
import type { JsonSchema } from '../api/types.js';

// Node schemas hint where a field's choices come from (`x-ui` in nodes/ghl/**): `{widget: 'options',
// source: 'pipelines'}` reads GET …/integrations/:iid/options/pipelines; `stagesOf: 'pipelineId'` takes the
// stages of the pipeline chosen in that sibling field; `multiple` (tags) picks several.

export interface OptionHint {
  source: string;
  stagesOf?: string;
  multiple?: boolean;
}

export type Choice = OptionChoice;

/** The option hint of a field's schema, if it has one. */
export function optionHintOf(field: unknown): OptionHint | null {
  const ui = (field as JsonSchema | undefined)?.['x-ui'] as Record<string, unknown> | undefined;
  if (!ui || ui.widget !== 'options' || typeof ui.source !== 'string') return null;
  return {
    source: ui.source,
    ...(typeof ui.stagesOf === 'string' ? { stagesOf: ui.stagesOf } : {}),
    ...(ui.multiple === true ? { multiple: true } : {}),
  };
}

/** The uiSchema entry that renders a hinted field with the editor's options widget. */
export const optionsUi = (hint: OptionHint): Record<string, unknown> => ({ 'ui:widget': 'options', 'ui:options': { ...hint } });

/**
 * The uiSchema entry for a field fed by an option loader, if it is one: an options dropdown, or for an
 * object keyed by the service's names (`{widget: 'keyValue', keySource: 'customFields'}`) rows of key and value.
 */
export function loaderFieldUi(field: unknown): Record<string, unknown> | null {
  const hint = optionHintOf(field);
  if (hint) return optionsUi(hint);
  const ui = (field as JsonSchema | undefined)?.['x-ui'] as Record<string, unknown> | undefined;
  if (ui?.widget === 'keyValue' && typeof ui.keySource === 'string') return { 'ui:field': 'keyValue', 'ui:options': { keySource: ui.keySource } };
  return null;
}

/** Query parameters a loader takes from the node: custom fields are a contact's or an opportunity's. */
export function loaderParams(source: string, nodeType: string | undefined): Record<string, string> {
  if (source === 'customFields') return { model: nodeType?.includes('.opportunity') ? 'opportunity' : 'contact' };
  return {};
}

/** Rows of a key/value field as an object: empty keys (rows being typed) left out, the last of a repeated key kept. */
export function rowsToObject(rows: { key: string; value: string }[]): Record<string, string> | undefined {
  const entries = rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value] as const);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** An object's entries as rows of text (numbers and booleans written as typed; other values as JSON). */
export const objectToRows = (value: unknown): { key: string; value: string }[] =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }))
    : [];

/** Whether a value is an expression (or holds one): it is kept as typed, never matched against the choices. */
export const isExpression = (value: unknown): boolean => typeof value === 'string' && value.includes('{{');

/**
 * The choices to offer: the loader's answer, or for `stagesOf` the stages of the pipeline chosen in the
 * sibling field (none while no pipeline is chosen, or when it is an expression).
 */
export function choicesFor(hint: OptionHint, loaded: Choice[], config: Record<string, unknown>): Choice[] {
  if (!hint.stagesOf) return loaded;
  const parent = config[hint.stagesOf];
  if (typeof parent !== 'string' || !parent || isExpression(parent)) return [];
  const stages = loaded.find((c) => c.value === parent)?.stages;
  return Array.isArray(stages) ? (stages as Choice[]) : [];
}

/** Why no choices are offered, in words (or null when there are some). */
export function emptyReason(hint: OptionHint, integrationId: unknown, config: Record<string, unknown>, choices: Choice[]): string | null {
  if (choices.length) return null;
  if (typeof integrationId !== 'string' || !integrationId) return 'Choose an integration to pick from a list, or type a value.';
  if (hint.stagesOf && !config[hint.stagesOf]) return 'Choose a pipeline first, or type a stage id.';
  return 'Nothing to choose from: type a value.';
}

/** A value not among the choices still shows (an id typed by hand, an expression, a choice since deleted). */
export function withCurrent(choices: Choice[], value: unknown): Choice[] {
  if (typeof value !== 'string' || !value || choices.some((c) => c.value === value)) return choices;
  return [...choices, { value, label: isExpression(value) ? value : `${value} (not in the list)` }];
}
