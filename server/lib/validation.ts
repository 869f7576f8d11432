import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { CronExpressionParser } from 'cron-parser';
import addFormatsModule from 'ajv-formats';
import { badRequest, type ErrorDetail } from './errors.js';

// ajv-formats ships CommonJS whose default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type JsonSchema = Record<string, unknown>;

/** One ajv for the process: schemas are compiled once and cached by object identity. */
export const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true, coerceTypes: false });
addFormats(ajv);
ajv.addKeyword({ keyword: 'x-secret' });
ajv.addKeyword({ keyword: 'x-ui' });
ajv.addFormat('timezone', (value: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
});

ajv.addFormat('cron', (value: string) => {
  if (value.trim().split(/\s+/).length < 5) return false;
  try {
    CronExpressionParser.parse(value);
    return true;
  } catch {
    return false;
  }
});

const compiled = new WeakMap<object, ValidateFunction>();

export function compile(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns ajv's errors into one detail per problem, each with the JSON pointer of the offending value. */
export function toDetails(errors: ErrorObject[] | null | undefined, base = ''): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    let path = base + error.instancePath;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      path += '/' + pointerEscape(String(error.params.missingProperty));
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      path += '/' + pointerEscape(String(error.params.additionalProperty));
      message = 'is not an allowed property';
    } else if (error.keyword === 'enum') {
      message = `must be one of: ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push({ path: path || '/', message });
  }
  return details;
}

/** Validates and returns the value typed as T, or throws a 400 with one detail per problem. */
export function assertValid<T>(schema: JsonSchema, value: unknown, what = 'request body'): T {
  const validate = compile(schema);
  if (!validate(value)) {
    const details = toDetails(validate.errors);
    const summary = details.map((d) => `${d.path} ${d.message}`).slice(0, 3).join('; ');
    throw badRequest(`The ${what} is invalid: ${summary}.`, details);
  }
  return value as T;
}
