import jsonata from 'jsonata';
import { expressionsOf, NotPlainError, plainPath, readPath, templateParts, wholeExpression } from './templates.js';

/** What `{{ … }}` can see (CONTRACT §9). */
export interface ExpressionScope {
  json: unknown;
  trigger: unknown;
  node: Record<string, unknown>;
  execution: { id: string; flowId: string };
}

type Compiled = ReturnType<typeof jsonata>;

const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 5000;
/**
 * Guardrails per evaluation: an expression that runs too long, recurses too deep or builds a huge
 * sequence fails its step instead of holding the event loop every other execution shares.
 */
export const EXPRESSION_LIMITS = { timeout: 1000, stack: 500, sequence: 100_000 } as const;

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Compiles once per expression text; flows run the same expressions millions of times. */
function compile(source: string): Compiled {
  let compiled = cache.get(source);
  if (!compiled) {
    compiled = jsonata(source, EXPRESSION_LIMITS);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(source, compiled);
  }
  return compiled;
}

export const hasExpression = (value: string): boolean => value.includes('{{');

/**
 * Whether a config needs JSONata (an expression that is more than a plain path such as `$json.a.b`):
 * then it is evaluated in the sandbox. Keys in `skip` (top level) are left as written.
 */
export function needsJsonata(value: unknown, skip: readonly string[] = []): boolean {
  if (typeof value === 'string') return hasExpression(value) && expressionsOf(value).some((source) => !plainPath(source));
  if (Array.isArray(value)) return value.some((item) => needsJsonata(item));
  if (value && typeof value === 'object') return Object.entries(value).some(([key, item]) => !skip.includes(key) && needsJsonata(item));
  return false;
}

/** Walks every string of a config and reports each expression that does not parse, with its JSON pointer. */
export function checkExpressions(value: unknown, path = ''): { path: string; message: string }[] {
  if (typeof value === 'string') {
    if (!hasExpression(value)) return [];
    const problems: { path: string; message: string }[] = [];
    const unclosed = templateParts(value).some((part) => 'text' in part && part.text.includes('{{'));
    if (unclosed || value.split('{{').length !== value.split('}}').length) {
      return [{ path: path || '/', message: 'has an unclosed {{ … }} expression' }];
    }
    for (const source of expressionsOf(value)) {
      if (!source) {
        problems.push({ path: path || '/', message: 'has an empty {{ }} expression' });
        continue;
      }
      try {
        compile(source);
      } catch (err) {
        problems.push({ path: path || '/', message: `expression "${source}" does not parse: ${(err as Error).message}` });
      }
    }
    return problems;
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => checkExpressions(item, `${path}/${i}`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => checkExpressions(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return [];
}


/**
 * Where an evaluation runs. `inline`: in the engine's own process, which serves HTTP, so only plain
 * paths are read (an expression that needs JSONata there is a bug, reported as NotPlainError so the step
 * moves to the sandbox). `sandbox`: anything goes, under the sandbox's limits.
 */
export type EvaluationSite = 'inline' | 'sandbox';

const ROOT_OF: Record<string, (scope: ExpressionScope) => unknown> = {
  $json: (scope) => scope.json,
  $trigger: (scope) => scope.trigger,
  $node: (scope) => scope.node,
  $execution: (scope) => scope.execution,
};

async function evaluate(source: string, scope: ExpressionScope, path: string, site: EvaluationSite): Promise<unknown> {
  const plain = plainPath(source);
  if (plain) {
    try {
      return readPath(ROOT_OF[plain[0]](scope), plain.slice(1));
    } catch (err) {
      if (!(err instanceof NotPlainError) || site === 'inline') throw err;
    }
  } else if (site === 'inline') throw new NotPlainError();
  try {
    const result = await compile(source).evaluate(scope.json, {
      json: scope.json,
      trigger: scope.trigger,
      node: scope.node,
      execution: scope.execution,
    });
    return normalise(result);
  } catch (err) {
    throw new ExpressionError(`The expression "${source}" in ${path || 'the config'} failed: ${(err as Error).message}`, path);
  }
}

/** JSONata returns its own sequence arrays and undefined for "nothing": make them plain JSON. */
function normalise(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

const asText = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

async function resolveString(value: string, scope: ExpressionScope, path: string, site: EvaluationSite): Promise<unknown> {
  const whole = wholeExpression(value);
  if (whole !== undefined) return evaluate(whole, scope, path, site);
  let result = '';
  for (const part of templateParts(value)) {
    result += 'text' in part ? part.text : asText(await evaluate(part.expression, scope, path, site));
  }
  return result;
}

/**
 * Resolves every `{{ … }}` in a config. A string that is one whole expression keeps the value's type;
 * mixed text interpolates. Keys listed in `skip` (top level) are left as written.
 */
export async function resolveConfig(
  value: unknown,
  scope: ExpressionScope,
  path = '',
  skip: readonly string[] = [],
  site: EvaluationSite = 'sandbox',
): Promise<unknown> {
  if (typeof value === 'string') return hasExpression(value) ? resolveString(value, scope, path, site) : value;
  if (Array.isArray(value)) return Promise.all(value.map((item, i) => resolveConfig(item, scope, `${path}/${i}`, [], site)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = path === '' && skip.includes(key) ? item : await resolveConfig(item, scope, `${path}/${key}`, [], site);
    }
    return out;
  }
  return value;
}
