import * as cheerio from 'cheerio';
import { NodeError } from '../../contract.js';
import type { FieldSpec } from './schema.js';

type Doc = cheerio.CheerioAPI;
/** A parsed node (domhandler's AnyNode, which cheerio does not re-export). */
type AnyNode = Parameters<typeof cheerio.contains>[0];

/** Attributes that hold a URL: given back absolute, so a record's link works outside its page. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'poster', 'data-src']);

/** Refuses a selector CSS cannot parse, before anything is fetched, naming where it is. */
export function checkSelectors(selectors: [where: string, selector: string | undefined][]): void {
  const $ = cheerio.load('');
  for (const [where, selector] of selectors) {
    if (selector === undefined) continue;
    try {
      $(selector);
    } catch (err) {
      throw new NodeError(`${where} "${selector.slice(0, 100)}" is not a valid CSS selector: ${(err as Error).message}.`, 'invalid_selector');
    }
  }
}

/** The page's <base href> (resolved against its URL), else its URL. */
function baseOf($: Doc, pageUrl: URL): URL {
  const href = $('base[href]').first().attr('href');
  if (!href) return pageUrl;
  try {
    return new URL(href, pageUrl);
  } catch {
    return pageUrl;
  }
}

function absolute(value: string, base: URL): string {
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return value;
  }
}

const text = ($: Doc, el: AnyNode) => $(el).text().replace(/\s+/g, ' ').trim();

function valueOf($: Doc, el: AnyNode, spec: FieldSpec, base: URL): string | null {
  if (!spec.attribute) return text($, el);
  const value = $(el).attr(spec.attribute);
  if (value === undefined) return null;
  return URL_ATTRIBUTES.has(spec.attribute.toLowerCase()) ? absolute(value, base) : value;
}

export interface Extracted {
  items: Record<string, unknown>[];
  /** The next page's absolute http(s) URL, if the selector found a link. */
  next: URL | null;
}

function nextLink($: Doc, selector: string, base: URL): URL | null {
  const match = $(selector).first();
  if (!match.length) return null;
  const href = match.attr('href') ?? match.find('a[href]').first().attr('href');
  if (!href || href.trim().startsWith('#')) return null;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Parses a page and picks its first `maxItems` records and its next-page link. */
export function extract(html: string, pageUrl: URL, itemSelector: string, fields: Record<string, FieldSpec>, nextPageSelector: string | undefined, maxItems: number): Extracted {
  const $ = cheerio.load(html);
  const base = baseOf($, pageUrl);
  const items = $(itemSelector)
    .toArray()
    .slice(0, maxItems)
    .map((item) => {
      const record: Record<string, unknown> = {};
      for (const [name, spec] of Object.entries(fields)) {
        const matches = spec.selector ? $(item).find(spec.selector).toArray() : [item];
        record[name] = spec.all ? matches.map((el) => valueOf($, el, spec, base)) : matches.length ? valueOf($, matches[0]!, spec, base) : null;
      }
      return record;
    });
  return { items, next: nextPageSelector ? nextLink($, nextPageSelector, base) : null };
}
