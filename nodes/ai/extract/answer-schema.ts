import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { NodeError } from '../../contract.js';

// ajv-formats ships CommonJS whose default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * Tenants' answer schemas get an ajv of their own: ajv keeps every compiled schema (and refuses a second
 * one with the same $id), so they are compiled once per distinct text and evicted, not piled into the
 * server's validator. No defaults are filled in: the answer is checked, never changed.
 */
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

const MAX_CACHED = 200;
const cache = new Map<string, { schema: Record<string, unknown>; validate: ValidateFunction }>();

export function answerValidator(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.validate;
  }
  const copy = structuredClone(schema);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(copy);
  } catch (err) {
    throw new NodeError(`The extraction schema cannot be used: ${(err as Error).message}`, 'invalid_schema');
  }
  if (cache.size >= MAX_CACHED) {
    const [oldestKey, oldest] = cache.entries().next().value!;
    cache.delete(oldestKey);
    ajv.removeSchema(oldest.schema);
  }
  cache.set(key, { schema: copy, validate });
  return validate;
}

/** ajv's errors as one line each, the way a model (and a person) can act on them. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 20).map((e) => {
    const at = e.instancePath || '(the whole object)';
    if (e.keyword === 'required') return `${at === '(the whole object)' ? '' : `${at}: `}missing required property "${String(e.params.missingProperty)}"`;
    if (e.keyword === 'additionalProperties') return `${at}: property "${String(e.params.additionalProperty)}" is not allowed`;
    if (e.keyword === 'enum') return `${at}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    return `${at}: ${e.message ?? 'is invalid'}`;
  });
}
