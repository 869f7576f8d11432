import type { FromSchema } from 'json-schema-to-ts';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'], default: 'GET' },
    url: {
      type: 'string',
      maxLength: 4000,
      anyOf: [{ format: 'uri' }, { pattern: '^/' }],
      description: 'An absolute URL, or with an integration that has a base URL, a path under it (e.g. /customers).',
    },
    integrationId: {
      type: 'string',
      description:
        'An integration of the http template, or of a custom template that says how to authenticate: its credentials are sent (bearer, basic, header or query key), ' +
        'and only to URLs under its base URL when it has one.',
    },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    query: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    bodyType: {
      type: 'string',
      enum: ['json', 'form', 'multipart', 'raw'],
      description:
        'How the body is sent. json: any value as JSON (a string must be JSON text). form: an object of fields, URL-encoded. ' +
        'multipart: an object of fields; text values, or files as {base64 | text, filename?, contentType?}; a list repeats the field. ' +
        'raw: a string sent as is (set Content-Type in headers). Unset: objects and arrays as JSON, strings as raw.',
    },
    body: { description: 'The request body, read as bodyType says. Not sent with GET or HEAD.' },
    responseType: {
      type: 'string',
      enum: ['auto', 'json', 'text', 'base64'],
      default: 'auto',
      description: 'auto: JSON when the answer says so, else text. base64 for binary answers (files, images).',
    },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 300000, default: 30000, description: 'Time for each request (redirects and reading the answer included); a timeout is retryable.' },
    pagination: {
      type: 'object',
      additionalProperties: false,
      required: ['next'],
      description: 'Fetch more pages and emit {items, pages, hasMore, status, headers} instead of {status, headers, body}. Next pages must be on the same origin.',
      properties: {
        next: { type: 'string', enum: ['bodyPath', 'linkHeader'], description: 'Where the next page is named: a value in the body (nextPath), or the Link header (rel="next").' },
        nextPath: { type: 'string', minLength: 1, maxLength: 200, description: 'For bodyPath: the path of the next URL (or cursor) in the body, e.g. paging.next. Empty or missing: last page.' },
        cursorParam: { type: 'string', minLength: 1, maxLength: 100, description: 'With bodyPath: the value is a cursor, sent in this query parameter of the first URL.' },
        itemsPath: { type: 'string', minLength: 1, maxLength: 200, description: 'Path of each page\'s list of items, e.g. data. Unset: a list body adds its elements, any other body is one item.' },
        maxPages: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
      },
    },
    failOnStatus: { type: 'boolean', default: true, description: 'Treat 4xx/5xx answers as failures (5xx and 429 are retried).' },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
