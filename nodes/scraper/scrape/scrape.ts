import { NodeError } from '../../contract.js';
import { assertCallableUrl, redactUrl } from '../../lib/outbound.js';
import { checkSelectors } from './extract.js';
import { Extractor } from './extractor.js';
import { fetchPage, type FetchOptions } from './fetch-page.js';
import { HostPacer } from './pacer.js';
import { RobotsRules, robotsRefusal } from './robots.js';
import type { Config, FieldSpec } from './schema.js';

export interface ScrapedPage {
  url: string;
  status: number;
  /** Records this page added to `items`. */
  items: number;
}

export interface ScrapeResult {
  items: Record<string, unknown>[];
  pages: ScrapedPage[];
}

function startUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NodeError(`The start URL ${redactUrl(text)} is not a valid absolute URL.`, 'invalid_url');
  }
  assertCallableUrl(url);
  return url;
}

/**
 * Walks each start URL through its next pages: robots.txt asked first (once per origin), requests to a
 * host spaced by the delay, records picked with the selectors, until there is no next page or maxPages
 * or maxItems is reached. Every request goes through the SSRF-guarded outbound fetch.
 */
export async function scrape(config: Config, options: Omit<FetchOptions, 'userAgent' | 'timeoutMs'>): Promise<ScrapeResult> {
  const fields = config.fields as Record<string, FieldSpec>;
  checkSelectors([
    ['itemSelector', config.itemSelector],
    ['nextPageSelector', config.nextPageSelector],
    ...Object.entries(fields).map(([name, spec]): [string, string | undefined] => [`The selector of the field "${name}"`, spec.selector]),
  ]);
  const starts = config.startUrls.map(startUrl);
  const maxPages = config.maxPages ?? 10;
  const maxItems = config.maxItems ?? 500;
  const fetchOptions: FetchOptions = { ...options, userAgent: config.userAgent ?? 'SwitchboardScraper/1.0', timeoutMs: config.timeoutMs ?? 15_000 };
  const robots = new RobotsRules(fetchOptions);
  const pacer = new HostPacer(config.delayMs ?? 1000);
  const { log, signal } = options;
  const items: Record<string, unknown>[] = [];
  const pages: ScrapedPage[] = [];
  const visited = new Set<string>();
  const extractor = new Extractor();

  const walk = async (): Promise<void> => {
    for (const start of starts) {
      let url: URL | null = start;
      while (url) {
        if (pages.length >= maxPages) {
          log(`stopped after ${maxPages} pages (maxPages)`);
          return;
        }
        if (visited.has(url.href)) {
          log(`${redactUrl(url)} was already scraped; not again`);
          break;
        }
        visited.add(url.href);
        const permission = await robots.check(url);
        if (!permission.allowed) {
          if (url === start) throw robotsRefusal(url, fetchOptions.userAgent);
          log(`${redactUrl(url)} is disallowed by robots.txt; this listing ends here`);
          break;
        }
        await pacer.wait(url.host, signal, permission.crawlDelayMs);
        const page = await fetchPage(url, fetchOptions, config.maxPageBytes ?? 2 * 1024 * 1024);
        // A redirect may land where robots.txt says no: the page was fetched, but it is not used.
        if (page.url.href !== url.href && !(await robots.check(page.url)).allowed) {
          if (url === start) throw robotsRefusal(page.url, fetchOptions.userAgent);
          log(`${redactUrl(url)} redirected to ${redactUrl(page.url)}, which robots.txt disallows; this listing ends here`);
          break;
        }
        const job = { html: page.html, url: page.url.href, itemSelector: config.itemSelector, fields, nextPageSelector: config.nextPageSelector, maxItems: maxItems - items.length };
        const found = await extractor.extract(job, signal);
        items.push(...found.items);
        pages.push({ url: page.url.href, status: page.status, items: found.items.length });
        log(`${redactUrl(page.url)} → ${page.status}, ${found.items.length} record(s)${found.items.length ? '' : ': the item selector matched nothing'}`);
        if (items.length >= maxItems) {
          log(`stopped at ${maxItems} records (maxItems)`);
          return;
        }
        url = found.next;
      }
    }
  };

  try {
    await walk();
  } finally {
    await extractor.close();
  }
  return { items, pages };
}
