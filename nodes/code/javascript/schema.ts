import type { FromSchema } from 'json-schema-to-ts';

/** Longest code a node may hold; a function body, not a bundle. */
export const MAX_CODE_CHARS = 100_000;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: {
    code: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_CODE_CHARS,
      description:
        'The body of an async function: `input` (this node\'s $json), `$trigger`, `$node` and `$execution` are in scope, `await` works, ' +
        'and what it returns (JSON: objects, arrays, strings, numbers, booleans, null) is emitted on main. A thrown error fails the step with its message. ' +
        '`console.log`, `.warn` and `.error` write to the step\'s logs. No require, process, timers, network or file system.',
      default: 'return { ...input };',
    },
    timeLimitMs: {
      type: 'integer',
      minimum: 10,
      maximum: 600_000,
      description: 'Wall time the call may take, awaiting included. Default and ceiling: the server\'s CODE_TIME_LIMIT_MS (1000), or the plan\'s ceiling when billing is on and it is lower.',
    },
    memoryMb: {
      type: 'integer',
      minimum: 8,
      maximum: 4096,
      description: 'Heap the code may use. Default and ceiling: the server\'s CODE_MEMORY_MB (64), or the plan\'s ceiling when billing is on and it is lower.',
    },
  },
} as const;

export type Config = FromSchema<typeof configSchema>;
