import { useEffect } from 'react';
import { copySelection, countText, parseClipboard, pastable } from '../lib/clipboard';
import { addNode, connect } from '../lib/graph';
import { addNote, MAX_NOTES, noteIdOf } from '../lib/notes';
import { useEditorStore } from './context';

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** The node a key is about: the canvas node that has the focus, else the one node selected. */
function nodeAtHand(target: EventTarget | null, selected: ReadonlySet<string>): string | null {
  const card = target instanceof HTMLElement ? target.closest('.react-flow__node') : null;
  const id = card?.getAttribute('data-id');
  if (id) return noteIdOf(id) === null ? id : null;
  return selected.size === 1 ? [...selected][0]! : null;
}

export interface ShortcutActions {
  editable: boolean;
  save(): void;
  help(): void;
  notice(text: string): void;
  /** Opens the keyboard's way to connect one of the node's outputs (C). */
  connect(source: string): void;
}

/**
 * Undo/redo, save, help, connect (C on a node), and copy/paste/duplicate of nodes and sticky notes
 * through the system clipboard (JSON).
 */
export function useShortcuts({ editable, save, help, notice, connect: connectFrom }: ShortcutActions): void {
  const store = useEditorStore();
  useEffect(() => {
    const paste = (text: string, offset?: { x: number; y: number }) => {
      const payload = parseClipboard(text);
      if (!payload || !editable) return false;
      const { nodes, edges, notes, notesLeftOut } = pastable(payload, store.getState().doc, offset);
      store.getState().edit('paste', (d) => {
        for (const n of nodes) addNode(d, n);
        for (const e of edges) connect(d, e);
        for (const n of notes) addNote(d, n);
      });
      store.getState().select(nodes.map((n) => n.id));
      store.getState().selectNotes(notes.map((n) => n.id));
      const full = notesLeftOut ? ` ${notesLeftOut} note${notesLeftOut === 1 ? ' was' : 's were'} left out: a flow keeps at most ${MAX_NOTES}.` : '';
      notice(`Pasted ${countText(nodes.length, notes.length)}.${full}`);
      return true;
    };
    const copied = () => {
      const { doc, selected, selectedNotes } = store.getState();
      return selected.size || selectedNotes.size ? copySelection(doc, selected, selectedNotes) : null;
    };
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      // Saving works from inside a field too (where one types last), never as the browser's "save page".
      if (mod && key === 's') {
        e.preventDefault();
        if (editable) save();
        return;
      }
      if (typing(e.target)) return;
      if (mod && key === 'z' && editable) {
        e.preventDefault();
        if (e.shiftKey) store.getState().redo();
        else store.getState().undo();
      } else if (mod && key === 'y' && editable) {
        e.preventDefault();
        store.getState().redo();
      } else if (mod && key === 'd' && editable) {
        e.preventDefault();
        const payload = copied();
        if (payload) paste(JSON.stringify(payload));
      } else if (key === 'c' && !mod && !e.altKey && editable && !document.querySelector('dialog[open]')) {
        const source = nodeAtHand(e.target, store.getState().selected);
        if (!source) return;
        e.preventDefault();
        connectFrom(source);
      } else if (e.key === '?') help();
    };
    const onCopy = (e: ClipboardEvent) => {
      const payload = typing(e.target) ? null : copied();
      if (!payload || !e.clipboardData) return;
      e.clipboardData.setData('text/plain', JSON.stringify(payload, null, 2));
      e.preventDefault();
      notice(`Copied ${countText(payload.nodes.length, payload.notes?.length ?? 0)}.`);
    };
    const onPaste = (e: ClipboardEvent) => {
      if (typing(e.target) || !e.clipboardData) return;
      if (paste(e.clipboardData.getData('text/plain'))) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [store, editable, save, help, notice, connectFrom]);
}
