import type { FlowGraph } from '../api/types.js';

// The unsaved document of an open flow, kept in the browser's storage as it is edited, so a reload or a
// crashed tab does not lose it. One draft per flow; it names the version it was edited from, so saving it
// later over a newer version is refused like any stale save.

export interface Draft {
  baseVersion: number;
  graph: FlowGraph;
  /** ISO time of the last edit kept. */
  savedAt: string;
}

/** The part of `Storage` a draft needs (localStorage in the browser, a Map in tests). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const draftKey = (sid: string, fid: string) => `switchboard.draft.${sid}.${fid}`;

export function keepDraft(storage: DraftStorage, sid: string, fid: string, draft: Draft): void {
  try {
    storage.setItem(draftKey(sid, fid), JSON.stringify(draft));
  } catch {
    // A full or disabled storage: the draft is a safety net, editing goes on without it.
  }
}

export function dropDraft(storage: DraftStorage, sid: string, fid: string): void {
  storage.removeItem(draftKey(sid, fid));
}

/** The kept draft, or null when there is none or it is not one (an old format, a hand edit). */
export function readDraft(storage: DraftStorage, sid: string, fid: string): Draft | null {
  const text = storage.getItem(draftKey(sid, fid));
  if (!text) return null;
  try {
    const draft = JSON.parse(text) as Partial<Draft>;
    const graph = draft.graph as Partial<FlowGraph> | undefined;
    if (!Number.isInteger(draft.baseVersion) || typeof draft.savedAt !== 'string' || !Array.isArray(graph?.nodes) || !Array.isArray(graph?.edges)) return null;
    return draft as Draft;
  } catch {
    return null;
  }
}

/** The draft worth offering back when a flow opens: one that differs from what the server holds. */
export function draftToOffer(storage: DraftStorage, sid: string, fid: string, serverGraph: FlowGraph): Draft | null {
  const draft = readDraft(storage, sid, fid);
  if (!draft) return null;
  if (JSON.stringify(draft.graph) === JSON.stringify(serverGraph)) {
    dropDraft(storage, sid, fid);
    return null;
  }
  return draft;
}
