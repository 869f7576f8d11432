import { useEffect } from 'react';
import { dropDraft, keepDraft } from '../lib/draft';
import type { EditorStore } from './store';

/**
 * Keeps the open flow's unsaved document in localStorage as it changes (a quarter second after the last
 * edit, and at once when the page goes away), and forgets it once the document is saved or reloaded.
 */
export function useLocalDraft(store: EditorStore, sid: string, fid: string, baseVersion: () => number, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const write = () => {
      timer = undefined;
      const { doc, savedDoc } = store.getState();
      if (doc === savedDoc) dropDraft(localStorage, sid, fid);
      else keepDraft(localStorage, sid, fid, { baseVersion: baseVersion(), graph: doc, savedAt: new Date().toISOString() });
    };
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.doc === prev.doc && s.savedDoc === prev.savedDoc) return;
      if (timer) clearTimeout(timer);
      if (s.doc === s.savedDoc) write();
      else timer = setTimeout(write, 250);
    });
    const flush = () => {
      if (timer) {
        clearTimeout(timer);
        write();
      }
    };
    window.addEventListener('pagehide', flush);
    return () => {
      flush();
      unsubscribe();
      window.removeEventListener('pagehide', flush);
    };
  }, [store, sid, fid, baseVersion, enabled]);
}
