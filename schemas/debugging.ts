import type { FromSchema } from 'json-schema-to-ts';
import { nodeIdPattern } from './flow.js';

/**
 * The editor's debugging API (CONTRACT §5): pinned outputs, test runs, runs of one node, listening
 * for a test event. Kept beside schemas/flow.ts, which the flow document's other fields own.
 */

/** Node id → the value that node emits on test runs. Keys are checked against the graph by the API (400 naming the key). */
export const pinDataSchema = {
  type: ['object', 'null'],
  maxProperties: 500,
  description: 'Outputs pinned per node id: on test runs a pinned node is not run and emits its value; production runs ignore them. null removes every pin.',
} as const;

/** A flow document or update schema with `pinData` beside its other fields. */
export function withPinData<S extends { properties: object }>(schema: S) {
  return { ...schema, properties: { ...schema.properties, pinData: pinDataSchema } } as const;
}

export const RUN_MODES = ['production', 'test'] as const;

export const runFlowBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    input: {},
    mode: { type: 'string', enum: RUN_MODES, default: 'production', description: '`test` applies the flow’s pinned data and does not count toward plan limits.' },
  },
} as const;
export type RunFlowBody = FromSchema<typeof runFlowBodySchema>;

export const runNodeBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    input: { description: 'The node’s $json; without it, its input in the flow’s last execution, else the pinned output of the node before it.' },
  },
} as const;

export const listenBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['nodeId'],
  properties: {
    nodeId: { type: 'string', pattern: nodeIdPattern, description: 'A trigger.webhook or trigger.ghl node of the flow.' },
    timeoutSeconds: { type: 'integer', minimum: 1, maximum: 120, default: 120, description: 'How long to wait for the request or event.' },
  },
} as const;
export type ListenBody = FromSchema<typeof listenBodySchema>;
