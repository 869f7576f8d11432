import type { Draft, Patch } from 'immer';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlowGraph, FlowNode } from '../api/types';
import type { Catalog } from '../lib/graph';
import { change, emptyHistory, record, redo, undo, type History } from '../lib/history';
import type { RunOverlay } from '../lib/overlay';

/**
 * One store per open flow: the document (with its undo history), the selection, the server's errors
 * and the run overlay. Nodes read their own slice (`nodes.get(id)`), so a change to one node, an event
 * about one node or a selection change re-renders only the nodes concerned.
 */
export interface EditorState {
  catalog: Catalog;
  doc: FlowGraph;
  nodes: ReadonlyMap<string, FlowNode>;
  history: History;
  /** The document as last saved: dirty when `doc` differs. */
  savedDoc: FlowGraph;
  selected: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  /** Selected sticky notes by note id (not the canvas id): apart from `selected`, which opens the node panel. */
  selectedNotes: ReadonlySet<string>;
  errors: ReadonlyMap<string, string[]>;
  overlay: RunOverlay | null;
  /** Positions before a drag, to record the whole drag as one undoable move. */
  dragStart: Map<string, { x: number; y: number }> | null;
}

export interface EditorActions {
  edit(label: string, recipe: (draft: Draft<FlowGraph>) => void, options?: { coalesce?: string }): void;
  undo(): void;
  redo(): void;
  /** Moves nodes while dragging, without an entry per frame. */
  dragTo(positions: Map<string, { x: number; y: number }>): void;
  endDrag(): void;
  select(nodes: Iterable<string>, edges?: Iterable<string>): void;
  selectNotes(ids: Iterable<string>): void;
  markSaved(doc: FlowGraph): void;
  replaceDoc(doc: FlowGraph): void;
  setErrors(errors: ReadonlyMap<string, string[]>): void;
  setOverlay(overlay: RunOverlay | null | ((current: RunOverlay | null) => RunOverlay | null)): void;
}

export type EditorStore = StoreApi<EditorState & EditorActions>;

const index = (doc: FlowGraph) => new Map(doc.nodes.map((n) => [n.id, n]));

/** The selected notes the document still has (a delete or an undo may take some away). */
function notesStillThere(doc: FlowGraph, selected: ReadonlySet<string>): ReadonlySet<string> {
  if (!selected.size) return selected;
  const present = new Set((doc.notes ?? []).map((n) => n.id));
  return [...selected].every((id) => present.has(id)) ? selected : new Set([...selected].filter((id) => present.has(id)));
}

export function createEditorStore(doc: FlowGraph, catalog: Catalog): EditorStore {
  return createStore<EditorState & EditorActions>((set, get) => ({
    catalog,
    doc,
    nodes: index(doc),
    history: emptyHistory(),
    savedDoc: doc,
    selected: new Set(),
    selectedEdges: new Set(),
    selectedNotes: new Set(),
    errors: new Map(),
    overlay: null,
    dragStart: null,

    edit(label, recipe, options) {
      const next = change(get().doc, get().history, label, recipe, options);
      if (next.doc === get().doc) return;
      const nodes = index(next.doc);
      const selected = new Set([...get().selected].filter((id) => nodes.has(id)));
      set({ doc: next.doc, history: next.history, nodes, selected, selectedNotes: notesStillThere(next.doc, get().selectedNotes) });
    },
    undo() {
      const next = undo(get().doc, get().history);
      if (next.entry) set({ doc: next.doc, history: next.history, nodes: index(next.doc), selectedNotes: notesStillThere(next.doc, get().selectedNotes) });
    },
    redo() {
      const next = redo(get().doc, get().history);
      if (next.entry) set({ doc: next.doc, history: next.history, nodes: index(next.doc), selectedNotes: notesStillThere(next.doc, get().selectedNotes) });
    },
    dragTo(positions) {
      const { doc } = get();
      const dragStart = get().dragStart ?? new Map();
      const nodes = doc.nodes.map((n) => {
        const p = positions.get(n.id);
        if (!p) return n;
        if (!dragStart.has(n.id)) dragStart.set(n.id, n.position ?? { x: 0, y: 0 });
        return { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } };
      });
      const next = { ...doc, nodes };
      set({ doc: next, nodes: index(next), dragStart });
    },
    endDrag() {
      const { dragStart, doc, history } = get();
      if (!dragStart?.size) return set({ dragStart: null });
      const patches: Patch[] = [];
      const inverse: Patch[] = [];
      doc.nodes.forEach((n, i) => {
        const before = dragStart.get(n.id);
        if (!before || (before.x === n.position?.x && before.y === n.position?.y)) return;
        patches.push({ op: 'replace', path: ['nodes', i, 'position'], value: n.position });
        inverse.push({ op: 'replace', path: ['nodes', i, 'position'], value: before });
      });
      set({ dragStart: null, history: patches.length ? record(history, { label: 'move', patches, inverse }) : history });
    },
    select(nodes, edges = []) {
      set({ selected: new Set(nodes), selectedEdges: new Set(edges) });
    },
    selectNotes(ids) {
      set({ selectedNotes: new Set(ids) });
    },
    markSaved(saved) {
      set({ savedDoc: saved, errors: new Map() });
    },
    replaceDoc(next) {
      set({ doc: next, nodes: index(next), savedDoc: next, history: emptyHistory(), selected: new Set(), selectedEdges: new Set(), selectedNotes: new Set(), errors: new Map() });
    },
    setErrors(errors) {
      set({ errors });
    },
    setOverlay(overlay) {
      set({ overlay: typeof overlay === 'function' ? overlay(get().overlay) : overlay });
    },
  }));
}
