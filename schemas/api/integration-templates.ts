/** Request bodies of `POST|PATCH /api/integration-templates` (CONTRACT §4, custom templates). */

const TOKEN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$";
const FIELD = { type: 'string', minLength: 1, maxLength: 64 } as const;
const requiredWhen = (type: string, required: string[]) => ({ if: { properties: { type: { const: type } }, required: ['type'] }, then: { required } });

/** How `http.request` authenticates with an integration of the template: which fields hold what. */
export const templateAuthSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['bearer', 'basic', 'header', 'query'] },
    tokenField: FIELD,
    usernameField: FIELD,
    passwordField: FIELD,
    headerName: { type: 'string', pattern: TOKEN },
    paramName: { type: 'string', minLength: 1, maxLength: 100 },
    valueField: FIELD,
  },
  allOf: [
    requiredWhen('bearer', ['tokenField']),
    requiredWhen('basic', ['usernameField', 'passwordField']),
    requiredWhen('header', ['headerName', 'valueField']),
    requiredWhen('query', ['paramName', 'valueField']),
  ],
} as const;

const properties = {
  name: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,59}$', description: 'A short unique name in your agency, e.g. "acme-crm".' },
  displayName: { type: 'string', minLength: 1, maxLength: 200 },
  category: { type: 'string', minLength: 1, maxLength: 60 },
  description: { type: 'string', maxLength: 2000 },
  icon: { type: 'string', pattern: '^[a-z0-9-]{1,60}$', description: 'A lucide icon name; default "plug".' },
  configSchema: { type: 'object', description: 'JSON Schema (2020-12) of the config: an object whose secret fields say "x-secret": true or "format": "password".' },
  setupInstructions: { type: 'string', maxLength: 20_000 },
  auth: templateAuthSchema,
  baseUrlField: { type: ['string', 'null'], maxLength: 64, description: 'The field holding the service’s base URL: http.request resolves relative URLs against it and sends the credentials nowhere else.' },
  testUrl: { type: ['string', 'null'], maxLength: 2000, description: 'What the connection test GETs with the credentials: a URL, or a path under the base URL field. None: the test only checks the config is stored.' },
} as const;

export const createTemplateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'displayName', 'category', 'description', 'configSchema'],
  properties,
} as const;

export const updateTemplateBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties,
} as const;
