import { defineNode } from '../../contract.js';
import { scrape } from './scrape.js';
import { configSchema, type Config } from './schema.js';

export default defineNode<Config>({
  type: 'scraper.scrape',
  category: 'Scraper',
  title: 'Scrape web pages',
  description:
    'Fetches HTML pages from the start URLs, picks one record per match of the item selector with the fields\' CSS selectors, and follows the next-page link, ' +
    'until there is none or maxPages / maxItems is reached. Emits {items, pages: [{url, status, items}]}. ' +
    "robots.txt is honoured (fetched once per site per run; a start URL it disallows fails the step, a next page it disallows ends that listing), requests to one host are spaced by delayMs (or the site's Crawl-delay). " +
    'Each page has a timeout and a size cap; an answer that is not HTML fails clearly. 429, 5xx, timeouts and network errors are retryable. ' +
    'Loopback, private, reserved and metadata addresses are refused, on every redirect too, unless ALLOW_PRIVATE_NETWORK=true.',
  configSchema,
  outputs: ['main', 'error'],
  async run({ config, signal, allowPrivateNetwork, log }) {
    return { main: await scrape(config, { signal, allowPrivateNetwork, log }) };
  },
});
