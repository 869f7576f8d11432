import { NodeError } from '../contract.js';

export const OPERATORS = [
  'equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'matches_regex', 'is_empty', 'is_not_empty',
  'eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between',
  'is_true', 'is_false',
  'before', 'after', 'within_last_days',
  'array_contains', 'array_not_contains', 'length_eq', 'length_gt', 'length_lt',
  'exists', 'not_exists',
] as const;

export type Operator = (typeof OPERATORS)[number];

/**
 * A rule group, nested to any depth. The `$id` makes this schema its own resource, so `#` and
 * `#/$defs/rule` resolve inside it even when a node embeds it under `properties`
 * (otherwise they would resolve against the node's config schema).
 * `if`/`then`/`else` rather than `anyOf` so a bad rule reports only the rule's errors.
 */
const schema = {
  $id: 'https://switchboard.local/schemas/logic/rule-group.json',
  type: 'object',
  required: ['rules'],
  properties: {
    combinator: { enum: ['and', 'or'], default: 'and' },
    rules: {
      type: 'array',
      items: { if: { type: 'object', required: ['operator'] }, then: { $ref: '#/$defs/rule' }, else: { $ref: '#' } },
    },
  },
  additionalProperties: false,
  $defs: {
    rule: {
      type: 'object',
      // `left` is not required: an expression on a missing field resolves to nothing, which is what `exists` tests.
      required: ['operator'],
      properties: {
        left: {},
        operator: { enum: OPERATORS },
        right: {},
        rightTo: {},
        caseSensitive: { type: 'boolean', default: true },
      },
      additionalProperties: false,
    },
  },
} as const;

/**
 * What TypeScript sees of the schema. json-schema-to-ts cannot infer recursive refs: given the
 * whole schema, FromSchema of any config embedding it is silently `never`. Typed this way it is an
 * object with `rules`; nodes type their config with the hand-written `RuleGroup` below instead.
 */
export const ruleGroupSchema: { readonly $id: string; readonly type: 'object'; readonly required: readonly ['rules'] } = schema;

// Written by hand: json-schema-to-ts cannot infer recursive `$ref`s (see above).
// Values are `unknown`: they come from resolved expressions, and the evaluator checks their types itself.
export interface Rule {
  left?: unknown;
  operator: Operator;
  right?: unknown;
  /** Upper bound of `between`. */
  rightTo?: unknown;
  caseSensitive?: boolean;
}

export interface RuleGroup {
  combinator?: 'and' | 'or';
  rules: Array<Rule | RuleGroup>;
}

const DAY_MS = 86_400_000;

interface Check {
  path: string;
  rule: Rule;
  now: Date;
}

function typeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'true/false';
  return typeof value;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  const json = JSON.stringify(value) ?? String(value);
  const short = json.length > 60 ? `${json.slice(0, 57)}...` : json;
  return `${short} (${typeName(value)})`;
}

function fail(check: Check, problem: string): never {
  throw new NodeError(`Rule ${check.path} ("${check.rule.operator}") ${problem}`, 'invalid_rule');
}

function failPair(check: Check, needs: string, hint = ''): never {
  const { left, right } = check.rule;
  fail(check, `compares ${needs}, but got ${show(left)} and ${show(right)}.${hint}`);
}

// Typed readings of a value: undefined means "not of that type".
// Decimal only: Number() would also take "0x10" and "Infinity".
// Written so that no two parts can match the same digits: linear even on a megabyte of them.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
// Longer text is no number or date anyone writes; refusing it early keeps every reading cheap.
const MAX_READ_LENGTH = 100;

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' && value.length <= MAX_READ_LENGTH && DECIMAL.test(value.trim()) ? Number(value) : undefined;
}

// Only ISO 8601: Date.parse alone would read "42" as the year 2042.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

function asDate(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const m = typeof value === 'string' && value.length <= MAX_READ_LENGTH ? ISO_DATE.exec(value.trim()) : null;
  if (!m) return undefined;
  const [, y, mo, d, time, zone] = m;
  // Date.parse rolls 2024-02-30 over to March 1st; a day that does not exist is a mistake.
  if (new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDate() !== Number(d)) return undefined;
  // Without an offset, read as UTC (as date-only strings are) so results do not depend on the server's zone.
  const ms = Date.parse(`${y}-${mo}-${d}T${time ?? '00:00'}${zone ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function asText(value: unknown, caseSensitive: boolean): string | undefined {
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  return text !== undefined && !caseSensitive ? text.toLowerCase() : text;
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  // Form fields and query strings carry booleans as text.
  if (typeof value === 'string' && value.length <= MAX_READ_LENGTH && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return undefined;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** Text against text (or a number written as text) compares as text; anything else by JSON equality. */
function valuesEqual(a: unknown, b: unknown, caseSensitive: boolean): boolean {
  const textual = (typeof a === 'string' || typeof b === 'string') && asText(a, true) !== undefined && asText(b, true) !== undefined;
  return textual ? asText(a, caseSensitive) === asText(b, caseSensitive) : jsonEqual(a, b);
}

function texts(check: Check): [string, string] {
  const cs = check.rule.caseSensitive !== false;
  const left = asText(check.rule.left, cs);
  const right = asText(check.rule.right, cs);
  if (left === undefined || right === undefined) failPair(check, 'text', ' Both values must be text or numbers; lists and objects cannot be compared as text.');
  return [left, right];
}

function regex(check: Check): boolean {
  const left = asText(check.rule.left, true);
  const pattern = check.rule.right;
  if (left === undefined || typeof pattern !== 'string') failPair(check, 'text with a regular expression', ' The left value must be text or a number and the right value a pattern written as text.');
  try {
    return new RegExp(pattern, check.rule.caseSensitive === false ? 'i' : '').test(left);
  } catch (err) {
    fail(check, `has a regular expression that does not compile: ${show(pattern)}: ${(err as Error).message}. Fix the pattern in the right value.`);
  }
}

function numbers(check: Check): [number, number] {
  const left = asNumber(check.rule.left);
  const right = asNumber(check.rule.right);
  if (left === undefined || right === undefined) failPair(check, 'numbers', ' Both values must be numbers (text made of digits such as "42" also works).');
  return [left, right];
}

function between(check: Check): boolean {
  const [value, low] = numbers(check);
  const high = asNumber(check.rule.rightTo);
  if (high === undefined) fail(check, `needs an upper bound that is a number, but got ${show(check.rule.rightTo)}. Set "rightTo" to a number.`);
  if (low > high) fail(check, `has a lower bound ${low} greater than its upper bound ${high}. Swap the two bounds.`);
  return low <= value && value <= high;
}

function bool(check: Check): boolean {
  const value = asBoolean(check.rule.left);
  if (value === undefined) fail(check, `checks a true/false value, but got ${show(check.rule.left)}. Use true or false (or the text "true"/"false").`);
  return value;
}

const DATE_HINT = ' Dates must be ISO 8601 text such as "2024-03-01" or "2024-03-01T09:30:00Z", or milliseconds since 1970 as a number.';

function dates(check: Check): [number, number] {
  const left = asDate(check.rule.left);
  const right = asDate(check.rule.right);
  if (left === undefined || right === undefined) failPair(check, 'dates', DATE_HINT);
  return [left, right];
}

function withinLastDays(check: Check): boolean {
  const left = asDate(check.rule.left);
  const days = asNumber(check.rule.right);
  if (left === undefined || days === undefined || days < 0) failPair(check, 'a date with a number of days', `${DATE_HINT} The right value must be a number of days, 0 or more.`);
  const now = check.now.getTime();
  return now - days * DAY_MS <= left && left <= now;
}

function list(check: Check): unknown[] {
  const left = check.rule.left;
  if (!Array.isArray(left)) fail(check, `looks inside a list, but the left value is ${show(left)}. The left value must be a list.`);
  return left;
}

function arrayContains(check: Check): boolean {
  return list(check).some((item) => valuesEqual(item, check.rule.right, check.rule.caseSensitive !== false));
}

function lengths(check: Check): [number, number] {
  const { left } = check.rule;
  const size = Array.isArray(left) || typeof left === 'string' ? left.length : undefined;
  const expected = asNumber(check.rule.right);
  if (size === undefined || expected === undefined) failPair(check, 'the length of a list (or text) with a number', ' The left value must be a list or text, and the right value a number.');
  return [size, expected];
}

/** Lifts a comparison of two typed values into an operator that reads (and checks) them first. */
const lift =
  <T>(read: (check: Check) => [T, T]) =>
  (test: (left: T, right: T) => boolean) =>
  (check: Check) =>
    test(...read(check));
const onTexts = lift(texts);
const onNumbers = lift(numbers);
const onDates = lift(dates);
const onLengths = lift(lengths);

const operators: Record<Operator, (check: Check) => boolean> = {
  equals: (c) => valuesEqual(c.rule.left, c.rule.right, c.rule.caseSensitive !== false),
  not_equals: (c) => !valuesEqual(c.rule.left, c.rule.right, c.rule.caseSensitive !== false),
  contains: onTexts((l, r) => l.includes(r)),
  not_contains: onTexts((l, r) => !l.includes(r)),
  starts_with: onTexts((l, r) => l.startsWith(r)),
  ends_with: onTexts((l, r) => l.endsWith(r)),
  matches_regex: regex,
  is_empty: (c) => isEmpty(c.rule.left),
  is_not_empty: (c) => !isEmpty(c.rule.left),
  eq: onNumbers((l, r) => l === r),
  ne: onNumbers((l, r) => l !== r),
  lt: onNumbers((l, r) => l < r),
  lte: onNumbers((l, r) => l <= r),
  gt: onNumbers((l, r) => l > r),
  gte: onNumbers((l, r) => l >= r),
  between,
  is_true: (c) => bool(c) === true,
  is_false: (c) => bool(c) === false,
  before: onDates((l, r) => l < r),
  after: onDates((l, r) => l > r),
  within_last_days: withinLastDays,
  array_contains: arrayContains,
  array_not_contains: (c) => !arrayContains(c),
  length_eq: onLengths((l, r) => l === r),
  length_gt: onLengths((l, r) => l > r),
  length_lt: onLengths((l, r) => l < r),
  exists: (c) => c.rule.left !== undefined && c.rule.left !== null,
  not_exists: (c) => c.rule.left === undefined || c.rule.left === null,
};

// As in the schema: an item with an operator is a rule, anything else a group.
const isGroup = (item: Rule | RuleGroup): item is RuleGroup => !(typeof item === 'object' && item !== null && 'operator' in item);

function evaluateRule(rule: Rule, path: string, now: Date): boolean {
  const check: Check = { path, rule, now };
  // The schema already limits operators; this guards callers that skip validation.
  if (!Object.hasOwn(operators, rule.operator)) {
    throw new NodeError(`Rule ${path} uses the unknown operator ${show(rule.operator)}. Choose one of: ${OPERATORS.join(', ')}.`, 'invalid_rule');
  }
  return operators[rule.operator](check);
}

function evaluateGroup(group: RuleGroup, path: string, now: Date): boolean {
  if (typeof group !== 'object' || group === null || !Array.isArray(group.rules)) {
    throw new NodeError(`The rule group ${path || 'at the top'} has no list of rules.`, 'invalid_rule');
  }
  const prefix = path ? `${path}.` : '';
  const any = group.combinator === 'or';
  // Short-circuit: once an `or` holds or an `and` fails, later rules are not evaluated (nor can they throw).
  for (const [i, item] of group.rules.entries()) {
    const at = `${prefix}rules[${i}]`;
    const holds = isGroup(item) ? evaluateGroup(item, at, now) : evaluateRule(item, at, now);
    if (holds === any) return any;
  }
  // An empty `and` holds and an empty `or` does not, as with every/some.
  return !any;
}

/**
 * Whether a rule group, as written, may run a regular expression (or an operator only known at run
 * time): every other operator costs time linear in its values, so only such groups need the sandbox.
 */
export function mayRunRegex(group: unknown): boolean {
  if (typeof group !== 'object' || group === null || !Array.isArray((group as RuleGroup).rules)) return true;
  return (group as RuleGroup).rules.some((item) =>
    isGroup(item) ? mayRunRegex(item) : typeof item.operator !== 'string' || item.operator === 'matches_regex' || !Object.hasOwn(operators, item.operator),
  );
}

/**
 * Evaluates a rule group whose values are already resolved. Throws NodeError `invalid_rule`
 * naming the rule (e.g. `rules[1].rules[0]`) when a rule compares values it cannot compare.
 */
export function evaluateRules(group: RuleGroup, now: Date = new Date()): boolean {
  return evaluateGroup(group, '', now);
}
