import type { FromSchema } from 'json-schema-to-ts';

/** Bounds of a flow's sticky notes: enough to annotate a 500-node flow, small beside its graph. */
export const MAX_NOTES = 200;
export const MAX_NOTE_TEXT = 5000;
export const NOTE_COLORS = ['yellow', 'blue', 'green', 'pink', 'purple', 'gray'] as const;

/**
 * A sticky note on the canvas: text for the people reading the flow, never run. Notes travel beside the
 * graph (a flow document's `notes`), so the graph and its validation stay as CONTRACT §5 says.
 */
export const stickyNoteSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'text', 'position'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$' },
    text: { type: 'string', maxLength: MAX_NOTE_TEXT },
    position: {
      type: 'object',
      additionalProperties: false,
      required: ['x', 'y'],
      properties: { x: { type: 'number', minimum: -1e6, maximum: 1e6 }, y: { type: 'number', minimum: -1e6, maximum: 1e6 } },
    },
    size: {
      type: 'object',
      additionalProperties: false,
      required: ['width', 'height'],
      properties: { width: { type: 'number', minimum: 60, maximum: 4000 }, height: { type: 'number', minimum: 40, maximum: 4000 } },
    },
    color: { type: 'string', enum: NOTE_COLORS },
  },
} as const;

export const flowNotesSchema = { type: 'array', maxItems: MAX_NOTES, items: stickyNoteSchema } as const;

export type StickyNote = FromSchema<typeof stickyNoteSchema>;
