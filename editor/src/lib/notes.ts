import { NOTE_COLORS, type FlowGraph, type NoteColor, type StickyNote } from '../api/types.js';

// Sticky notes as immer recipes on the document, like the graph changes in graph.ts, so undo covers them.

export const NOTE_SIZE = { width: 240, height: 140 };
export const NOTE_MIN = { width: 120, height: 60 };
/** The server's bounds (schemas/flow-notes.ts): longer text is cut, not refused at save time. */
export const MAX_NOTE_TEXT = 5000;
export const MAX_NOTES = 200;
export { NOTE_COLORS };

/** Notes share the canvas with nodes, whose ids they may repeat: their canvas ids are prefixed. */
export const NOTE_PREFIX = 'note:';
export const canvasNoteId = (id: string): string => `${NOTE_PREFIX}${id}`;
export const noteIdOf = (canvasId: string): string | null => (canvasId.startsWith(NOTE_PREFIX) ? canvasId.slice(NOTE_PREFIX.length) : null);

/** A new note's id, unique among the document's notes. */
export function newNoteId(notes: readonly StickyNote[] | undefined): string {
  const taken = new Set((notes ?? []).map((n) => n.id));
  for (let i = 1; ; i++) if (!taken.has(`note_${i}`)) return `note_${i}`;
}

export function newNote(notes: readonly StickyNote[] | undefined, position: { x: number; y: number }, color: NoteColor = 'yellow'): StickyNote {
  return { id: newNoteId(notes), text: '', position: { x: Math.round(position.x), y: Math.round(position.y) }, size: { ...NOTE_SIZE }, color };
}

/** Adds a note; false (and nothing added) once the flow has as many notes as the server keeps. */
export function addNote(draft: FlowGraph, note: StickyNote): boolean {
  draft.notes ??= [];
  if (draft.notes.length >= MAX_NOTES) return false;
  draft.notes.push(note);
  return true;
}

const find = (draft: FlowGraph, id: string) => draft.notes?.find((n) => n.id === id);

export function setNoteText(draft: FlowGraph, id: string, text: string): void {
  const note = find(draft, id);
  if (note) note.text = text.slice(0, MAX_NOTE_TEXT);
}

export function moveNote(draft: FlowGraph, id: string, position: { x: number; y: number }): void {
  const note = find(draft, id);
  if (note) note.position = { x: Math.round(position.x), y: Math.round(position.y) };
}

/** Resizes a note, never below the size its text stays readable at. */
export function resizeNote(draft: FlowGraph, id: string, size: { width: number; height: number }): void {
  const note = find(draft, id);
  if (note) note.size = { width: Math.round(Math.max(NOTE_MIN.width, size.width)), height: Math.round(Math.max(NOTE_MIN.height, size.height)) };
}

export function colorNote(draft: FlowGraph, id: string, color: NoteColor): void {
  const note = find(draft, id);
  if (note) note.color = color;
}

export function removeNotes(draft: FlowGraph, ids: Iterable<string>): void {
  const gone = new Set(ids);
  if (draft.notes) draft.notes = draft.notes.filter((n) => !gone.has(n.id));
}
