import type { FlowEdge, FlowGraph, FlowNode, StickyNote } from '../api/types.js';

// What changed between two versions of a flow, in the terms a person thinks in: nodes added, removed,
// changed (which config fields, from what to what), moved, connections added or removed, and sticky
// notes added, removed or rewritten (notes are saved with each version, beside the graph).

/** One changed value, located by a path of config keys (`["rules", "rules", 0, "value"]`). */
export interface ValueChange {
  path: (string | number)[];
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface NodeChange {
  id: string;
  before: FlowNode;
  after: FlowNode;
  /** Name, type, retry, timeout and config changes (position is not one: see `moved`). */
  changes: ValueChange[];
}

export interface NoteChange {
  id: string;
  before: StickyNote;
  after: StickyNote;
  /** Text and colour changes (position and size are not: see `notesMoved`). */
  changes: ValueChange[];
}

export interface GraphDiff {
  added: FlowNode[];
  removed: FlowNode[];
  changed: NodeChange[];
  /** Nodes whose only difference is where they sit on the canvas. */
  moved: string[];
  edgesAdded: FlowEdge[];
  edgesRemoved: FlowEdge[];
  notesAdded: StickyNote[];
  notesRemoved: StickyNote[];
  notesChanged: NoteChange[];
  /** Notes whose only difference is where they sit or how big they are. */
  notesMoved: string[];
  /** Whether anything but positions (and note sizes) differs. */
  same: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The differences between two JSON values, down to the leaves that differ. */
export function valueChanges(before: unknown, after: unknown, path: (string | number)[] = []): ValueChange[] {
  if (equal(before, after)) return [];
  if (before === undefined) return [{ path, kind: 'added', after }];
  if (after === undefined) return [{ path, kind: 'removed', before }];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => valueChanges(before[k], after[k], [...path, k]));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => valueChanges(b, after[i], [...path, i]));
  }
  return [{ path, kind: 'changed', before, after }];
}

const edgeId = (e: FlowEdge) => `${e.source}:${e.sourcePort ?? 'main'}->${e.target}`;

/** Compares `before` (say, an older version) with `after` (say, the current one). */
export function diffGraphs(before: FlowGraph, after: FlowGraph): GraphDiff {
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  const added = after.nodes.filter((n) => !old.has(n.id));
  const removed = before.nodes.filter((n) => !now.has(n.id));
  const changed: NodeChange[] = [];
  const moved: string[] = [];
  for (const node of after.nodes) {
    const prev = old.get(node.id);
    if (!prev) continue;
    const changes = [
      ...(['name', 'type', 'retry', 'timeoutMs'] as const).flatMap((k) => valueChanges(prev[k], node[k], [k])),
      ...valueChanges(prev.config ?? {}, node.config ?? {}, ['config']),
    ];
    if (changes.length) changed.push({ id: node.id, before: prev, after: node, changes });
    else if (!equal(prev.position, node.position)) moved.push(node.id);
  }
  const oldEdges = new Set((before.edges ?? []).map(edgeId));
  const newEdges = new Set((after.edges ?? []).map(edgeId));
  const edgesAdded = (after.edges ?? []).filter((e) => !oldEdges.has(edgeId(e)));
  const edgesRemoved = (before.edges ?? []).filter((e) => !newEdges.has(edgeId(e)));
  const notes = diffNotes(before.notes ?? [], after.notes ?? []);
  const same = !added.length && !removed.length && !changed.length && !edgesAdded.length && !edgesRemoved.length && !notes.notesAdded.length && !notes.notesRemoved.length && !notes.notesChanged.length;
  return { added, removed, changed, moved, edgesAdded, edgesRemoved, ...notes, same };
}

/** What a note says: its text and its colour (a note without one is yellow on the canvas). */
const said = (n: StickyNote) => ({ text: n.text, color: n.color ?? 'yellow' });

/** Notes are matched by id; a note's text and colour are what it says, its place and size are layout. */
function diffNotes(before: StickyNote[], after: StickyNote[]): Pick<GraphDiff, 'notesAdded' | 'notesRemoved' | 'notesChanged' | 'notesMoved'> {
  const old = new Map(before.map((n) => [n.id, n]));
  const now = new Set(after.map((n) => n.id));
  const notesChanged: NoteChange[] = [];
  const notesMoved: string[] = [];
  for (const note of after) {
    const prev = old.get(note.id);
    if (!prev) continue;
    const changes = valueChanges(said(prev), said(note));
    if (changes.length) notesChanged.push({ id: note.id, before: prev, after: note, changes });
    else if (!equal(prev.position, note.position) || !equal(prev.size, note.size)) notesMoved.push(note.id);
  }
  return { notesAdded: after.filter((n) => !old.has(n.id)), notesRemoved: before.filter((n) => !now.has(n.id)), notesChanged, notesMoved };
}

/** `config.rules.rules[0].value`: a change's path as a person reads it. */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${p}` : p), '');
}

/** A value shown in one line, cut to `max` characters. */
export function preview(value: unknown, max = 80): string {
  const text = value === undefined ? '(none)' : typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
