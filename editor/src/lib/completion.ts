import { JSONATA_FUNCTIONS } from './jsonata-functions.js';
import type { NodeScope } from './scope.js';

/** Where the caret stands in an open `{{ … }}`: the path being typed, from `from` to the caret. */
export interface CompletionSpot {
  from: number;
  to: number;
  token: string;
}

export interface Candidate {
  /** What the list shows. */
  label: string;
  /** What replaces the typed token. */
  insert: string;
  kind: 'root' | 'node' | 'field' | 'function';
  /** A hint beside the label: the field's type and value, the node's name, what a function does. */
  detail: string;
  /** A function's arguments as its documentation writes them: `$substring(str, start[, length])`. */
  signature?: string;
}

// Characters of a path such as $node.check.items[0].`first name` (backticked names without spaces).
const PATH_TAIL = /[\w$.[\]`]*$/;

/** The completion spot at the caret, when the caret is inside a `{{` that is not closed before it. */
export function completionSpot(text: string, caret: number): CompletionSpot | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.indexOf('}}', open) >= 0) return null;
  const token = PATH_TAIL.exec(before.slice(open + 2))![0];
  return { from: caret - token.length, to: caret, token };
}

const NAME = /^[A-Za-z_]\w*$/;
const segment = (key: string | number, first: boolean): string =>
  typeof key === 'number' ? `[${key}]` : NAME.test(key) ? `${first ? '' : '.'}${key}` : `${first ? '' : '.'}\`${key}\``;

/** `a.b`, `items[0].name`, `` `first name` ``: a path as JSONata (and the server's plain paths) read it. */
export const pathText = (path: ReadonlyArray<string | number>): string => path.map((p, i) => segment(p, i === 0)).join('');

export const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

const MAX_PATHS = 300;
const MAX_DEPTH = 4;

/** Every field path of a value, breadth first (objects' keys, a list's first item), bounded. */
export function fieldPaths(value: unknown): Array<{ path: Array<string | number>; value: unknown }> {
  const out: Array<{ path: Array<string | number>; value: unknown }> = [];
  let level: Array<{ path: Array<string | number>; value: unknown }> = [{ path: [], value }];
  for (let depth = 0; depth < MAX_DEPTH && level.length && out.length < MAX_PATHS; depth++) {
    const next: typeof level = [];
    for (const { path, value: v } of level) {
      if (!v || typeof v !== 'object') continue;
      const entries: Array<[string | number, unknown]> = Array.isArray(v) ? (v.length ? [[0, v[0]]] : []) : Object.entries(v);
      for (const [key, child] of entries) {
        if (out.length >= MAX_PATHS) break;
        const item = { path: [...path, key], value: child };
        out.push(item);
        next.push(item);
      }
    }
    level = next;
  }
  return out;
}

const PREVIEW = 40;
function preview(value: unknown): string {
  if (value && typeof value === 'object') return Array.isArray(value) ? `${value.length} item${value.length === 1 ? '' : 's'}` : `${Object.keys(value).length} fields`;
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

const ROOTS: Array<{ name: string; detail: string }> = [
  { name: '$json', detail: 'what this node receives' },
  { name: '$trigger', detail: 'what started the flow' },
  { name: '$node', detail: 'the output of a node upstream' },
  { name: '$execution', detail: 'id and flowId of the execution' },
];

/** JSONata's functions that start with what was typed (`$su` → `$sum`, `$substring`…); picking one inserts `$name(`. */
function functionCandidates(typed: string): Candidate[] {
  return matching([...JSONATA_FUNCTIONS], typed, (f) => f.name).map((f) => ({ label: f.name, insert: `${f.name}(`, kind: 'function', detail: f.description, signature: f.signature }));
}

/** Ranks names against what was typed: prefixes first, then names that contain it; others go. */
function matching<T>(items: T[], typed: string, keyOf: (item: T) => string): T[] {
  const t = typed.toLowerCase();
  const prefix = items.filter((i) => keyOf(i).toLowerCase().startsWith(t));
  const inside = items.filter((i) => !keyOf(i).toLowerCase().startsWith(t) && keyOf(i).toLowerCase().includes(t));
  return [...prefix, ...inside].filter((i) => keyOf(i) !== typed);
}

function fieldCandidates(value: unknown, typed: string): Candidate[] {
  const paths = fieldPaths(value).map((p) => ({ text: pathText(p.path), value: p.value }));
  return matching(paths, typed, (p) => p.text).map((p) => ({ label: p.text, insert: p.text, kind: 'field', detail: `${typeOf(p.value)} · ${preview(p.value)}` }));
}

const nodeKey = (id: string) => (NAME.test(id) ? id : `\`${id}\``);

/**
 * What can complete the token at the caret: the roots and JSONata's functions, the ids of upstream nodes
 * after `$node.`, and the field paths of the last known data after a root (`$json.`, `$trigger.`,
 * `$node.<id>.`).
 */
export function candidates(token: string, context: NodeScope, nameOf: (id: string) => string | undefined = () => undefined): Candidate[] {
  const scope = context.scope;
  const dot = token.indexOf('.');
  if (!token.startsWith('$') && token) {
    // A path without a root reads `$json` on the server too: offer both.
    const roots = matching(ROOTS, `$${token}`, (r) => r.name).map((r): Candidate => ({ label: r.name, insert: r.name, kind: 'root', detail: r.detail }));
    return [...roots, ...(scope?.json === undefined ? [] : fieldCandidates(scope.json, token)), ...functionCandidates(`$${token}`)];
  }
  if (dot < 0) {
    return [...matching(ROOTS, token, (r) => r.name).map((r): Candidate => ({ label: r.name, insert: r.name, kind: 'root', detail: r.detail })), ...functionCandidates(token)];
  }
  const root = token.slice(0, dot);
  const rest = token.slice(dot + 1);
  if (root === '$node') {
    const next = rest.search(/[.[]/);
    if (next < 0) {
      const ids = context.upstream.map((id) => ({ id, key: nodeKey(id) }));
      return matching(ids, rest, (n) => n.key).map((n) => ({ label: n.key, insert: n.key, kind: 'node', detail: nameOf(n.id) ?? (scope?.node[n.id] === undefined ? 'no data yet' : 'node') }));
    }
    const key = rest.slice(0, next);
    const id = context.upstream.find((u) => nodeKey(u) === key);
    if (!id || !scope) return [];
    return fieldCandidates(scope.node[id], rest.slice(next + (rest[next] === '.' ? 1 : 0)));
  }
  if (!scope) return [];
  const value = root === '$json' ? scope.json : root === '$trigger' ? scope.trigger : root === '$execution' ? scope.execution : undefined;
  return value === undefined ? [] : fieldCandidates(value, rest);
}

/**
 * The text with a candidate in place of the token. A field completes a value, so an expression left
 * open is closed after it (`{{ $json.` + `email` → `{{ $json.email }}`), and the caret goes after it.
 */
export function applyCandidate(text: string, spot: CompletionSpot, candidate: Candidate): { text: string; caret: number } {
  const head = text.slice(0, spot.from) + prefixOf(spot.token, candidate) + candidate.insert;
  const tail = text.slice(spot.to);
  const nextOpen = tail.indexOf('{{');
  const close = tail.indexOf('}}');
  const open = close < 0 || (nextOpen >= 0 && nextOpen < close);
  if (candidate.kind === 'field' && open) {
    const closing = `${head.endsWith(' ') ? '' : ' '}}}`;
    return { text: head + closing + tail, caret: head.length + closing.length };
  }
  return { text: head + tail, caret: head.length };
}

/** The part of the token a candidate keeps: the root (and `$node.<id>.`) before the field it completes. */
function prefixOf(token: string, candidate: Candidate): string {
  const prefix = pathPrefix(token, candidate);
  // A list's items are read as `$json[0]`, not `$json.[0]`.
  return candidate.insert.startsWith('[') && prefix.endsWith('.') ? prefix.slice(0, -1) : prefix;
}

function pathPrefix(token: string, candidate: Candidate): string {
  if (candidate.kind === 'root' || candidate.kind === 'function' || !token.startsWith('$')) return '';
  const dot = token.indexOf('.');
  if (candidate.kind === 'node') return token.slice(0, dot + 1);
  if (token.startsWith('$node.')) {
    const rest = token.slice(dot + 1);
    const next = rest.search(/[.[]/);
    return token.slice(0, dot + 1) + rest.slice(0, next) + (rest[next] === '.' ? '.' : '');
  }
  return token.slice(0, dot + 1);
}
