import { NOTE_COLORS, type FlowEdge, type FlowGraph, type FlowNode, type StickyNote } from '../api/types.js';
import { newNodeId } from './ids.js';
import { MAX_NOTE_TEXT, MAX_NOTES, newNoteId } from './notes.js';

/**
 * What goes on the clipboard: a marked JSON document, so it pastes into another flow or another tab.
 * `notes` is optional, so what older editors copied (nodes only) still pastes.
 */
export interface ClipboardPayload {
  switchboard: 'nodes';
  nodes: FlowNode[];
  edges: FlowEdge[];
  notes?: StickyNote[];
}

/** The selected nodes, the edges between them, and the selected sticky notes. */
export function copySelection(graph: FlowGraph, ids: Iterable<string>, noteIds: Iterable<string> = []): ClipboardPayload {
  const chosen = new Set(ids);
  const chosenNotes = new Set(noteIds);
  const notes = (graph.notes ?? []).filter((n) => chosenNotes.has(n.id)).map((n) => structuredClone(n));
  return {
    switchboard: 'nodes',
    nodes: graph.nodes.filter((n) => chosen.has(n.id)).map((n) => structuredClone(n)),
    edges: graph.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target)).map((e) => ({ ...e })),
    ...(notes.length ? { notes } : {}),
  };
}

const isPoint = (p: unknown): p is { x: number; y: number } => !!p && typeof p === 'object' && Number.isFinite((p as { x: unknown }).x) && Number.isFinite((p as { y: unknown }).y);
const isSize = (s: unknown): s is { width: number; height: number } =>
  !!s && typeof s === 'object' && Number.isFinite((s as { width: unknown }).width) && Number.isFinite((s as { height: unknown }).height);

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/** A note from the clipboard as the server takes it, or null for anything that is not one (text from elsewhere is no note). */
function readNote(value: unknown): StickyNote | null {
  if (!value || typeof value !== 'object') return null;
  const n = value as Partial<StickyNote>;
  if (typeof n.id !== 'string' || typeof n.text !== 'string' || !isPoint(n.position)) return null;
  return {
    id: n.id,
    text: n.text.slice(0, MAX_NOTE_TEXT),
    position: { x: n.position.x, y: n.position.y },
    // Within the sizes the server takes, so a note from elsewhere cannot make the next save fail.
    ...(isSize(n.size) ? { size: { width: clamp(n.size.width, 60, 4000), height: clamp(n.size.height, 40, 4000) } } : {}),
    ...(NOTE_COLORS.includes(n.color as never) ? { color: n.color } : {}),
  };
}

/** Reads clipboard text; null when it is not nodes (or notes) copied from Switchboard. */
export function parseClipboard(text: string): ClipboardPayload | null {
  try {
    const value = JSON.parse(text) as Partial<ClipboardPayload>;
    if (value?.switchboard !== 'nodes' || !Array.isArray(value.nodes)) return null;
    const nodes = value.nodes.filter((n): n is FlowNode => !!n && typeof n.id === 'string' && typeof n.type === 'string');
    const edges = (Array.isArray(value.edges) ? value.edges : []).filter((e): e is FlowEdge => !!e && typeof e.source === 'string' && typeof e.target === 'string');
    const notes = (Array.isArray(value.notes) ? value.notes : []).map(readNote).filter((n): n is StickyNote => n !== null);
    return { switchboard: 'nodes', nodes, edges, ...(notes.length ? { notes } : {}) };
  } catch {
    return null;
  }
}

/** The note ids the server takes (schemas/flow-notes.ts). */
const NOTE_ID = /^[A-Za-z0-9_.-]{1,100}$/;

export interface Pastable {
  nodes: FlowNode[];
  edges: FlowEdge[];
  notes: StickyNote[];
  /** Notes left out because the flow would hold more than the server keeps. */
  notesLeftOut: number;
}

/**
 * The pasted nodes and notes with ids that do not collide with the graph's, moved by `offset`, and the
 * edges renamed to match. Notes beyond the server's limit per flow are left out (and counted).
 */
export function pastable(payload: ClipboardPayload, graph: FlowGraph, offset = { x: 40, y: 40 }): Pastable {
  const taken = new Set(graph.nodes.map((n) => n.id));
  const renamed = new Map<string, string>();
  const nodes = payload.nodes.map((n) => {
    const id = taken.has(n.id) ? newNodeId(n.type, taken) : n.id;
    taken.add(id);
    renamed.set(n.id, id);
    const at = n.position ?? { x: 0, y: 0 };
    return { ...structuredClone(n), id, position: { x: at.x + offset.x, y: at.y + offset.y } };
  });
  const edges = payload.edges
    .filter((e) => renamed.has(e.source) && renamed.has(e.target))
    .map((e) => ({ source: renamed.get(e.source)!, sourcePort: e.sourcePort ?? 'main', target: renamed.get(e.target)! }));
  const room = Math.max(0, MAX_NOTES - (graph.notes?.length ?? 0));
  const wanted = payload.notes ?? [];
  const present = [...(graph.notes ?? [])];
  const notes = wanted.slice(0, room).map((n) => {
    const id = NOTE_ID.test(n.id) && !present.some((p) => p.id === n.id) ? n.id : newNoteId(present);
    const note = { ...structuredClone(n), id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
    present.push(note);
    return note;
  });
  return { nodes, edges, notes, notesLeftOut: wanted.length - notes.length };
}

/** "2 nodes and 1 note": what a copy or a paste took, for its notice. */
export function countText(nodes: number, notes: number): string {
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (nodes && notes) return `${part(nodes, 'node')} and ${part(notes, 'note')}`;
  return notes ? part(notes, 'note') : part(nodes, 'node');
}
