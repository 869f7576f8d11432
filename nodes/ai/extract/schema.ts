import { aiFields } from '../lib/fields.js';

/**
 * What an answer schema may be: any JSON Schema (2020-12, checked against its meta-schema) describing an
 * object, without `pattern` or `patternProperties` anywhere. The model's answer is validated in the
 * server's own process, so a pattern with catastrophic backtracking would stall it; check formats with
 * `format` or a condition node afterwards. The `$dynamicAnchor` makes the meta-schema's recursion come
 * back here, so the restriction holds at every depth.
 */
const answerSchema = {
  $id: 'https://switchboard.local/schemas/ai-extract-answer-schema',
  $dynamicAnchor: 'meta',
  // No `type` here: this applies to every subschema, and `additionalProperties: false` is one too.
  allOf: [{ $ref: 'https://json-schema.org/draft/2020-12/schema' }],
  properties: { pattern: false, patternProperties: false },
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['integrationId', 'text', 'schema'],
  properties: {
    ...aiFields,
    text: { type: 'string', minLength: 1, maxLength: 500_000, description: 'The text to extract from, e.g. {{ $json.email.body }}.' },
    schema: {
      description: 'A JSON Schema (draft 2020-12) of the object to extract, with "type": "object" (no "pattern" or "patternProperties").',
      allOf: [answerSchema, { type: 'object', required: ['type'], properties: { type: { const: 'object' } } }],
    },
    instructions: { type: 'string', maxLength: 20_000, description: 'Extra guidance for the model (added to its system prompt).' },
  },
} as const;

/** Hand-written: json-schema-to-ts does not follow the meta-schema reference. */
export interface Config {
  integrationId: string;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  timeoutSeconds?: number;
  text: string;
  schema: Record<string, unknown>;
  instructions?: string;
}
