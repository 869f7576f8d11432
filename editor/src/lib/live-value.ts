import type jsonataType from 'jsonata';
import { NotPlainError, plainPath, readPath, templateParts, wholeExpression } from '../../../server/runtime/templates.js';
import type { ExpressionScope } from './scope.js';

/**
 * The value of a config string against the last run's data, computed the way the server resolves it
 * (server/runtime/expressions.ts): plain paths with the server's own reader, anything else with
 * JSONata, loaded on first need so the first load stays small.
 */
export type LiveValue = { ok: true; value: unknown } | { ok: false; message: string };

type Jsonata = typeof jsonataType;
export type JsonataLoader = () => Promise<Jsonata>;

export const loadJsonata: JsonataLoader = () => import('jsonata').then((m) => ((m as { default?: Jsonata }).default ?? (m as unknown as Jsonata)));

/** The server's guardrails, tighter on time: a preview must not hold the page while someone types. */
const LIMITS = { timeout: 300, stack: 500, sequence: 100_000 };

const ROOTS: Record<string, (scope: ExpressionScope) => unknown> = {
  $json: (s) => s.json,
  $trigger: (s) => s.trigger,
  $node: (s) => s.node,
  $execution: (s) => s.execution,
};

const NOT_PLAIN = Symbol('not plain');

/** A plain path's value, read exactly as the server reads it; NOT_PLAIN when JSONata must evaluate it. */
function plainValue(source: string, scope: ExpressionScope): unknown {
  const plain = plainPath(source);
  if (!plain) return NOT_PLAIN;
  try {
    return readPath(ROOTS[plain[0]](scope), plain.slice(1));
  } catch (err) {
    if (err instanceof NotPlainError) return NOT_PLAIN;
    throw err;
  }
}

/** JSONata returns its own sequence arrays and undefined for "nothing": plain JSON, as the server makes it. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  return value;
}

class PreviewError extends Error {}

async function evaluate(source: string, scope: ExpressionScope, load: JsonataLoader): Promise<unknown> {
  if (!source) throw new PreviewError('The expression {{ }} is empty.');
  const plain = plainValue(source, scope);
  if (plain !== NOT_PLAIN) return plain;
  const jsonata = await load();
  let compiled: ReturnType<Jsonata>;
  try {
    compiled = jsonata(source, LIMITS);
  } catch (err) {
    throw new PreviewError(`"${source}" does not parse: ${(err as Error).message}`);
  }
  try {
    return normalise(await compiled.evaluate(scope.json, { json: scope.json, trigger: scope.trigger, node: scope.node, execution: scope.execution }));
  } catch (err) {
    throw new PreviewError(`"${source}" failed: ${(err as Error).message}`);
  }
}

const asText = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** A string that is one whole expression keeps the value's type; mixed text interpolates. */
async function resolveString(text: string, scope: ExpressionScope, load: JsonataLoader): Promise<unknown> {
  if (!text.includes('{{')) return text;
  const unclosed = templateParts(text).some((part) => 'text' in part && part.text.includes('{{'));
  if (unclosed) throw new PreviewError('An expression is not closed yet: end it with }}.');
  const whole = wholeExpression(text);
  if (whole !== undefined) return evaluate(whole, scope, load);
  let result = '';
  for (const part of templateParts(text)) result += 'text' in part ? part.text : asText(await evaluate(part.expression, scope, load));
  return result;
}

async function resolveValue(value: unknown, scope: ExpressionScope, load: JsonataLoader): Promise<unknown> {
  if (typeof value === 'string') return resolveString(value, scope, load);
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveValue(item, scope, load)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await resolveValue(item, scope, load);
    return out;
  }
  return value;
}

/** The live value of a config value (a string, or any JSON whose strings hold expressions). Never throws. */
export async function liveValue(value: unknown, scope: ExpressionScope, load: JsonataLoader = loadJsonata): Promise<LiveValue> {
  try {
    return { ok: true, value: await resolveValue(value, scope, load) };
  } catch (err) {
    return { ok: false, message: err instanceof PreviewError ? err.message : `The preview failed: ${(err as Error).message}` };
  }
}

/** Whether a value can be previewed without JSONata (every expression in it is a plain path). */
export function isPlainOnly(value: unknown): boolean {
  if (typeof value === 'string') return templateParts(value).every((part) => 'text' in part || plainPath(part.expression) !== undefined);
  if (Array.isArray(value)) return value.every(isPlainOnly);
  if (value && typeof value === 'object') return Object.values(value).every(isPlainOnly);
  return true;
}

const PREVIEW_CHARS = 400;

/** The value as a person reads it under the field: JSON, cut short when long. */
export function formatLive(value: unknown): string {
  if (value === undefined) return 'nothing (no such field in the last run)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
