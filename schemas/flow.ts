import type { FromSchema } from 'json-schema-to-ts';
import { flowNotesSchema } from './flow-notes.js';

export const nodeIdPattern = '^[A-Za-z0-9_.-]{1,100}$';

export const flowNodeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type'],
  properties: {
    id: { type: 'string', pattern: nodeIdPattern },
    type: { type: 'string', minLength: 1, maxLength: 100 },
    name: { type: 'string', maxLength: 200 },
    config: { type: 'object', default: {} },
    position: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxAttempts: { type: 'integer', minimum: 1, maximum: 10 },
        backoff: {
          type: 'object',
          additionalProperties: false,
          properties: {
            initialMs: { type: 'integer', minimum: 0, maximum: 600_000 },
            factor: { type: 'number', minimum: 1, maximum: 10 },
            maxMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
          },
        },
      },
    },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
  },
} as const;

export const flowEdgeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'target'],
  properties: {
    id: { type: 'string', maxLength: 200 },
    source: { type: 'string' },
    sourcePort: { type: 'string', default: 'main' },
    target: { type: 'string' },
  },
} as const;

export const flowGraphSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['nodes'],
  properties: {
    nodes: { type: 'array', minItems: 1, maxItems: 500, items: flowNodeSchema },
    edges: { type: 'array', maxItems: 2000, items: flowEdgeSchema, default: [] },
  },
} as const;

export type FlowGraph = FromSchema<typeof flowGraphSchema>;
export type FlowNode = FromSchema<typeof flowNodeSchema>;
export type FlowEdge = FromSchema<typeof flowEdgeSchema>;

export const flowDocumentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'graph'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 5000 },
    graph: flowGraphSchema,
    errorFlowId: { type: ['string', 'null'], format: 'uuid' },
    /** Sticky notes on the canvas, kept with each version beside the graph (never run). */
    notes: flowNotesSchema,
  },
} as const;
export type FlowDocument = FromSchema<typeof flowDocumentSchema>;

export const flowUpdateSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    ...flowDocumentSchema.properties,
    /** The version the editor started from: a save over a newer one is refused (409 version_conflict). */
    baseVersion: { type: 'integer', minimum: 1 },
  },
} as const;
export type FlowUpdate = FromSchema<typeof flowUpdateSchema>;

export const runFlowSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { input: {} },
} as const;
