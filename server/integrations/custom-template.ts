import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { CustomTemplateRow } from '../db/models/templates-audit.js';
import type { ErrorDetail } from '../lib/errors.js';
import { authFields, authorize, checkWithGet, resolveUnder, type HttpAuthSpec } from '../../schemas/integrations/http-auth.js';
import type { IntegrationTemplate } from '../../schemas/integrations/template.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** A fresh ajv: custom schemas are compiled apart from the app's own, so one agency's `$defs` or a dropped template leave nothing behind. */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true, coerceTypes: false, logger: false });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-secret' });
  ajv.addKeyword({ keyword: 'x-ui' });
  return ajv;
}

const checker = newAjv();

/** A config schema may be this large as JSON; a form bigger than that is not a form. */
export const MAX_SCHEMA_BYTES = 64 * 1024;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/**
 * Keywords refused in custom schemas. Regular expressions run on the server's thread when configs are
 * validated, and one tenant's catastrophic pattern would stall everyone; ids and dynamic refs would reach
 * outside the schema.
 */
const REFUSED: Record<string, string> = {
  pattern: 'regular expressions are not allowed in custom templates (use enum, minLength/maxLength or format)',
  patternProperties: 'regular expressions are not allowed in custom templates',
  $id: 'schemas of custom templates cannot declare $id',
  $anchor: 'schemas of custom templates cannot declare $anchor',
  $dynamicAnchor: 'schemas of custom templates cannot declare $dynamicAnchor',
  $dynamicRef: 'schemas of custom templates cannot use $dynamicRef',
};
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSecret = (field: unknown) => isObject(field) && (field['x-secret'] === true || field.format === 'password');
const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Refused keywords, non-local refs and secrets below the top level, each with its place. */
function walk(node: unknown, path: string, depth: number, details: ErrorDetail[]): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}/${i}`, depth, details));
  if (!isObject(node)) return;
  if (depth > 1 && isSecret(node)) details.push({ path, message: 'secret fields must be top-level properties of the config' });
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) continue;
    const at = `${path}/${escape(key)}`;
    if (key in REFUSED) details.push({ path: at, message: REFUSED[key] });
    else if (key === '$ref' && (typeof value !== 'string' || !value.startsWith('#'))) details.push({ path: at, message: 'only local references (#/$defs/…) are allowed' });
    else if (key === 'properties' && isObject(value)) for (const [name, sub] of Object.entries(value)) walk(sub, `${at}/${escape(name)}`, depth + 1, details);
    else walk(value, at, depth + 1, details);
  }
}

/**
 * The meta-schema's complaints, one per place: a keyword like `type` that may be a name or a list fails
 * three ways at once (enum, type, anyOf); the first says it best.
 */
function metaDetails(errors: ErrorObject[] | null | undefined, base: string): ErrorDetail[] {
  const byPath = new Map<string, string>();
  for (const e of errors ?? []) {
    const path = `${base}${e.instancePath}`;
    if (byPath.has(path) || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const message = e.keyword === 'enum' ? `must be one of: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : (e.message ?? 'is invalid');
    byPath.set(path, message);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/** What a custom template declares besides its texts. */
export interface CustomTemplateShape {
  configSchema: unknown;
  auth?: HttpAuthSpec | null;
  baseUrlField?: string | null;
  testUrl?: string | null;
}

/**
 * Every problem with a custom template's schema and auth, one detail each (CONTRACT §2): the schema must
 * be a valid JSON Schema (2020-12) of an object with properties, and `auth`, `baseUrlField` and `testUrl`
 * must name fields the schema has, credentials in secret fields.
 */
export function templateProblems(shape: CustomTemplateShape): ErrorDetail[] {
  const schema = shape.configSchema;
  const details: ErrorDetail[] = [];
  if (!isObject(schema)) return [{ path: '/configSchema', message: 'must be a JSON Schema object' }];
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) return [{ path: '/configSchema', message: `is larger than ${MAX_SCHEMA_BYTES / 1024} KiB` }];
  if (!checker.validateSchema(schema)) details.push(...metaDetails(checker.errors, '/configSchema'));
  if (schema.type !== 'object') details.push({ path: '/configSchema/type', message: 'must be "object": a template’s config is an object of fields' });
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  if (!properties || !Object.keys(properties).length) details.push({ path: '/configSchema/properties', message: 'must list at least one field' });
  for (const name of Object.keys(properties ?? {})) {
    if (!FIELD_NAME.test(name)) details.push({ path: `/configSchema/properties/${escape(name)}`, message: 'field names are letters, digits and _ (at most 64), not starting with a digit' });
  }
  walk(schema, '/configSchema', 0, details);
  const field = (name: unknown) => (typeof name === 'string' && properties ? properties[name] : undefined);
  if (shape.auth) {
    for (const { field: name, role, credential } of authFields(shape.auth)) {
      if (!field(name)) details.push({ path: `/auth/${role}`, message: `"${name}" is not a field of configSchema` });
      else if (credential && !isSecret(field(name))) details.push({ path: `/auth/${role}`, message: `"${name}" holds a credential: mark it secret in configSchema ("x-secret": true or "format": "password")` });
    }
  }
  if (shape.baseUrlField && !field(shape.baseUrlField)) details.push({ path: '/baseUrlField', message: `"${shape.baseUrlField}" is not a field of configSchema` });
  if (shape.testUrl) {
    const absolute = /^https?:\/\//i.test(shape.testUrl);
    if (!absolute && !shape.testUrl.startsWith('/')) details.push({ path: '/testUrl', message: 'must be an http(s) URL, or a path starting with / under the base URL field' });
    else if (!absolute && !shape.baseUrlField) details.push({ path: '/testUrl', message: 'a path needs baseUrlField (the field that holds the base URL)' });
    else if (absolute && !URL.canParse(shape.testUrl)) details.push({ path: '/testUrl', message: 'is not a valid URL' });
  }
  if (!details.length) {
    try {
      newAjv().compile(schema);
    } catch (err) {
      details.push({ path: '/configSchema', message: `cannot be compiled: ${(err as Error).message}` });
    }
  }
  return details;
}

/** Compiled validators of custom templates, per template version; bounded (each holds its own ajv). */
const validators = new Map<string, ValidateFunction>();
const MAX_VALIDATORS = 500;

/** The config validator of a custom template as stored (compiled once per version). */
export function customValidator(row: Pick<CustomTemplateRow, 'id' | 'updatedAt' | 'configSchema'>): ValidateFunction {
  const key = `${row.id}@${new Date(row.updatedAt).getTime()}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = newAjv().compile(row.configSchema);
    if (validators.size >= MAX_VALIDATORS) validators.delete(validators.keys().next().value as string);
    validators.set(key, validate);
  }
  return validate;
}

const baseUrlOf = (row: CustomTemplateRow, config: Record<string, unknown>): string | undefined => {
  const value = row.baseUrlField ? config[row.baseUrlField] : undefined;
  return typeof value === 'string' && URL.canParse(value) ? value : undefined;
};

/** A stored custom template as the integrations code sees any template. */
export function customTemplate(row: CustomTemplateRow): IntegrationTemplate & { validate: ValidateFunction } & Pick<CustomTemplateRow, 'auth' | 'baseUrlField' | 'testUrl'> {
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    category: row.category,
    description: row.description,
    icon: row.icon,
    configSchema: row.configSchema,
    setupInstructions: row.setupInstructions,
    custom: true,
    auth: row.auth,
    baseUrlField: row.baseUrlField,
    testUrl: row.testUrl,
    validate: customValidator(row),
    ...(row.auth ? { httpAuth: (config: Record<string, unknown>) => authorize(row.auth!, config, baseUrlOf(row, config)) } : {}),
    async test(config, ctx) {
      if (!row.testUrl) return { ok: true, message: 'Stored. This template has no test URL, so nothing was called.' };
      const base = baseUrlOf(row, config);
      if (!/^https?:\/\//i.test(row.testUrl) && !base) return { ok: false, message: `The field "${row.baseUrlField}" does not hold a URL to test under.` };
      const url = /^https?:\/\//i.test(row.testUrl) ? new URL(row.testUrl) : resolveUnder(base!, row.testUrl);
      return checkWithGet(url, authorize(row.auth ?? undefined, config, base), ctx);
    },
  };
}
