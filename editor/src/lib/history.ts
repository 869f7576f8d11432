import { applyPatches, enablePatches, produceWithPatches, type Draft, type Patch } from 'immer';

enablePatches();

/** One undoable change: the patches that made it and the ones that take it back. */
export interface HistoryEntry {
  label: string;
  patches: Patch[];
  inverse: Patch[];
  /** Changes with the same key in quick succession (typing in one field) undo as one. */
  coalesce?: string;
  at?: number;
}

/** How close in time two changes with the same coalesce key must be to merge. */
export const COALESCE_MS = 1000;

export interface History {
  past: HistoryEntry[];
  future: HistoryEntry[];
}

export const MAX_HISTORY = 300;
export const emptyHistory = (): History => ({ past: [], future: [] });

/** Applies a change to the document and records it; a change that changes nothing records nothing. */
export function change<T>(
  doc: T,
  history: History,
  label: string,
  recipe: (draft: Draft<T>) => void,
  options: { coalesce?: string; now?: number } = {},
): { doc: T; history: History } {
  const [next, patches, inverse] = produceWithPatches(doc, recipe);
  if (!patches.length) return { doc, history };
  const at = options.now ?? Date.now();
  const last = history.past.at(-1);
  if (options.coalesce && last?.coalesce === options.coalesce && last.at !== undefined && at - last.at < COALESCE_MS) {
    const merged = { ...last, patches: [...last.patches, ...patches], inverse: [...inverse, ...last.inverse], at };
    return { doc: next as T, history: { past: [...history.past.slice(0, -1), merged], future: [] } };
  }
  return { doc: next as T, history: record(history, { label, patches, inverse, coalesce: options.coalesce, at }) };
}

/** Records a change already applied (e.g. a drag whose intermediate positions were not worth an entry each). */
export function record(history: History, entry: HistoryEntry): History {
  return { past: [...history.past, entry].slice(-MAX_HISTORY), future: [] };
}

export function undo<T>(doc: T, history: History): { doc: T; history: History; entry?: HistoryEntry } {
  const entry = history.past.at(-1);
  if (!entry) return { doc, history };
  return { doc: applyPatches(doc as object, entry.inverse) as T, history: { past: history.past.slice(0, -1), future: [entry, ...history.future] }, entry };
}

export function redo<T>(doc: T, history: History): { doc: T; history: History; entry?: HistoryEntry } {
  const entry = history.future[0];
  if (!entry) return { doc, history };
  return { doc: applyPatches(doc as object, entry.patches) as T, history: { past: [...history.past, entry], future: history.future.slice(1) }, entry };
}
