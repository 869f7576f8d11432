import { NodeError } from '../../contract.js';
import { redactUrl } from '../../lib/outbound.js';
import type { Answer } from './exchange.js';

export interface Pagination {
  /** Where the next page is named: a value in the answer's body, or the `Link` header's rel="next". */
  next: 'bodyPath' | 'linkHeader';
  /** For `bodyPath`: where the next page's URL (or cursor) is, e.g. `paging.next`. */
  nextPath?: string;
  /** With `bodyPath`: the value is a cursor, sent in this query parameter of the first URL. */
  cursorParam?: string;
  /** Where each page's list of items is, e.g. `data`; without it a page whose body is a list adds its elements, any other body is one item. */
  itemsPath?: string;
  maxPages?: number;
}

export interface Paginated {
  items: unknown[];
  pages: number;
  /** Whether a next page was named when maxPages stopped the walk. */
  hasMore: boolean;
  status: number;
  headers: Record<string, string>;
}

export const DEFAULT_MAX_PAGES = 10;

/** `data.items`, `results[0].links.next`: object keys and list indexes. */
export function valueAtPath(value: unknown, path: string): unknown {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let current = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The rel="next" target of an RFC 8288 Link header, resolved against the page's URL. */
export function linkHeaderNext(header: string | null): string | null {
  if (!header) return null;
  for (const match of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return match[1]!;
  }
  return null;
}

function resolveNext(target: string, base: URL): URL {
  try {
    return new URL(target, base);
  } catch {
    throw new NodeError(`The next page's link "${target.slice(0, 200)}" on ${redactUrl(base)} is not a valid URL.`, 'invalid_next_page');
  }
}

/** The next page's URL, or null when the answer names none. */
export function nextPageUrl(pagination: Pagination, answer: Answer, first: URL): URL | null {
  if (pagination.next === 'linkHeader') {
    const target = linkHeaderNext(answer.headers.get('link'));
    return target === null ? null : resolveNext(target, answer.url);
  }
  const value = valueAtPath(answer.body, pagination.nextPath ?? '');
  if (value === null || value === undefined || value === '' || value === false) return null;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new NodeError(`The value at "${pagination.nextPath}" is ${Array.isArray(value) ? 'a list' : typeof value}, not a URL or cursor.`, 'invalid_next_page');
  }
  if (!pagination.cursorParam) return resolveNext(String(value), answer.url);
  const next = new URL(first);
  next.searchParams.set(pagination.cursorParam, String(value));
  return next;
}

export function pageItems(pagination: Pagination, body: unknown, page: number): unknown[] {
  if (!pagination.itemsPath) return Array.isArray(body) ? body : [body];
  const items = valueAtPath(body, pagination.itemsPath);
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new NodeError(`Page ${page}: the value at "${pagination.itemsPath}" is ${typeof items}, not a list of items.`, 'invalid_page_items');
  return items;
}

/**
 * Fetches up to maxPages pages, following the next link each answer names, and concatenates their
 * items. A next page on another origin is refused: the request's headers (credentials among them)
 * would go to a server nobody chose. A next link already visited ends the walk.
 */
export async function paginate(pagination: Pagination, first: URL, fetchPage: (url: URL) => Promise<Answer>, log: (message: string) => void): Promise<Paginated> {
  if (pagination.next === 'bodyPath' && !pagination.nextPath) {
    throw new NodeError('Pagination by body path needs nextPath (where each answer names the next page, e.g. paging.next).', 'invalid_pagination');
  }
  const maxPages = pagination.maxPages ?? DEFAULT_MAX_PAGES;
  const visited = new Set<string>();
  const items: unknown[] = [];
  let url: URL | null = first;
  let answer: Answer | undefined;
  let pages = 0;
  while (url && pages < maxPages) {
    visited.add(url.href);
    answer = await fetchPage(url);
    pages++;
    if (answer.status >= 400) {
      // Only with failOnStatus off: the walk ends at the failing page, whose status is in the output.
      url = null;
      break;
    }
    items.push(...pageItems(pagination, answer.body, pages));
    url = nextPageUrl(pagination, answer, first);
    if (url && url.origin !== first.origin) {
      throw new NodeError(
        `Page ${pages} names a next page on another origin (${redactUrl(url)}); pages are only followed on ${first.origin}, so the request's headers are not sent elsewhere.`,
        'cross_origin_next_page',
      );
    }
    if (url && visited.has(url.href)) {
      log(`page ${pages} names an already fetched page as next (${redactUrl(url)}); stopping`);
      url = null;
    }
  }
  if (url) log(`stopped after ${maxPages} pages (maxPages); more were available`);
  return { items, pages, hasMore: url !== null, status: answer!.status, headers: Object.fromEntries(answer!.headers) };
}
