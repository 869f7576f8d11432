import type { FromSchema } from 'json-schema-to-ts';

export const DEFAULT_USER_AGENT = 'SwitchboardScraper/1.0';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['startUrls', 'itemSelector', 'fields'],
  properties: {
    startUrls: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: { type: 'string', format: 'uri', maxLength: 4000 },
      description: 'The first page of each listing to scrape; each is followed through its next pages in turn.',
    },
    itemSelector: { type: 'string', minLength: 1, maxLength: 500, description: 'CSS selector of one record on a page, e.g. article.product.' },
    fields: {
      type: 'object',
      minProperties: 1,
      maxProperties: 50,
      description: 'What each record holds: {name: {selector, attribute?, all?}}. The selector is CSS inside the record (unset: the record itself); the value is the text, or the attribute (href and src made absolute); null when nothing matches.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          selector: { type: 'string', minLength: 1, maxLength: 500 },
          attribute: { type: 'string', minLength: 1, maxLength: 100 },
          all: { type: 'boolean', description: 'A list of every match instead of the first.' },
        },
      },
    },
    nextPageSelector: { type: 'string', minLength: 1, maxLength: 500, description: 'CSS selector of the link to the next page (its href, or the href of a link inside it).' },
    maxPages: { type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'Pages fetched in all, over every start URL.' },
    maxItems: { type: 'integer', minimum: 1, maximum: 10000, default: 500, description: 'Records emitted in all; scraping stops once it has this many.' },
    delayMs: { type: 'integer', minimum: 0, maximum: 60000, default: 1000, description: "Least time between two requests to the same host (a longer robots.txt Crawl-delay wins, up to 30 s)." },
    userAgent: { type: 'string', minLength: 1, maxLength: 200, default: DEFAULT_USER_AGENT, description: 'Sent as User-Agent and matched against robots.txt groups.' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120000, default: 15000, description: 'Time for each page (redirects and reading included); a timeout is retryable.' },
    maxPageBytes: { type: 'integer', minimum: 1024, maximum: 5242880, default: 2097152, description: 'Pages larger than this are not read past it: the step fails saying so.' },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
export type FieldSpec = { selector?: string; attribute?: string; all?: boolean };
