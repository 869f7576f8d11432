/**
 * Reading `{{ … }}` templates, and the one kind of expression safe to evaluate in the engine's own
 * process: a plain path such as `$json.body.email`, whose cost is its length. Everything here is linear
 * in the text it reads: configs are written by tenants and scanned on the event loop that serves HTTP.
 */

export type TemplatePart = { text: string } | { expression: string };

/** Splits a string into text and expressions. An opening `{{` with no `}}` after it stays text. */
export function templateParts(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (;;) {
    const open = value.indexOf('{{', at);
    const close = open < 0 ? -1 : value.indexOf('}}', open + 2);
    // Once no `}}` follows an opening, none follows any later one: the scan ends (linear, never quadratic).
    if (close < 0) break;
    if (open > at) parts.push({ text: value.slice(at, open) });
    parts.push({ expression: value.slice(open + 2, close).trim() });
    at = close + 2;
  }
  if (at < value.length) parts.push({ text: value.slice(at) });
  return parts;
}

const isExpression = (part: TemplatePart): part is { expression: string } => 'expression' in part;

export const expressionsOf = (value: string): string[] => templateParts(value).filter(isExpression).map((p) => p.expression);

/** The expression a string consists of (surrounding white space aside), if it is exactly one. */
export function wholeExpression(value: string): string | undefined {
  const parts = templateParts(value);
  const [only] = parts.filter(isExpression);
  if (!only || parts.some((p) => !isExpression(p) && p.text.trim())) return undefined;
  return parts.filter(isExpression).length === 1 ? only.expression : undefined;
}

const ROOTS = new Set(['$json', '$trigger', '$node', '$execution']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// JSONata words that are operators or literals, not field names.
const KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/**
 * `[root, ...fields]` of a plain path (`$json.a.b`, `$trigger.x`, or `a.b` on `$json`), else undefined.
 * Paths are bounded: a long text is no path.
 */
export function plainPath(source: string): string[] | undefined {
  if (source.length > 500) return undefined;
  const segments = source.split('.');
  const root = segments[0].startsWith('$') ? segments.shift()! : '$json';
  if (!ROOTS.has(root)) return undefined;
  if (!segments.every((s) => NAME.test(s) && !KEYWORDS.has(s))) return undefined;
  return [root, ...segments];
}

/** A path that crosses a list maps over it in JSONata: that is left to JSONata. */
export class NotPlainError extends Error {
  constructor() {
    super('the path crosses a list');
    this.name = 'NotPlainError';
  }
}

/** Reads a plain path the way JSONata does, for values that are not lists along the way. */
export function readPath(root: unknown, fields: readonly string[]): unknown {
  let value = root;
  for (const field of fields) {
    if (Array.isArray(value)) throw new NotPlainError();
    if (value === null || typeof value !== 'object') return undefined;
    value = Object.hasOwn(value, field) ? (value as Record<string, unknown>)[field] : undefined;
  }
  return value;
}
