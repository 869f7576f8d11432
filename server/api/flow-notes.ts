import type { StickyNote } from '../../schemas/flow-notes.js';
import { badRequest, type ErrorDetail } from '../lib/errors.js';

/** The schema bounds each note; two notes with one id would make the canvas lose one of them. */
export function assertValidNotes(notes: StickyNote[] | undefined): void {
  if (!notes) return;
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  notes.forEach((note, i) => {
    if (seen.has(note.id)) details.push({ path: `/notes/${i}/id`, message: `note id "${note.id}" is used twice` });
    seen.add(note.id);
  });
  if (details.length) throw badRequest(details[0].message, details);
}

/** Whether a save changes the notes (none stored and an empty list are the same). */
export const notesDiffer = (stored: StickyNote[] | null | undefined, next: StickyNote[] | null | undefined): boolean =>
  JSON.stringify(stored ?? []) !== JSON.stringify(next ?? []);

/** Stored as null when there are none, so versions without notes look like those saved before notes existed. */
export const storedNotes = (notes: StickyNote[] | null | undefined): StickyNote[] | null => (notes?.length ? notes : null);
