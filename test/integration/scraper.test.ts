import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, getExecution, runAndWait, runOneNode, stepOf, waitForStatus, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startTarget, type Target } from '../helpers/target.js';
import { guardedAgent, refusalReason } from '../../nodes/lib/ssrf.js';
import { scrape } from '../../nodes/scraper/scrape/scrape.js';

const html = (res: ServerResponse, body: string, headers: Record<string, string> = {}) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);

interface Product {
  name: string;
  price: string;
  tags: string[];
}

const catalogue: Product[][] = [
  [
    { name: 'Walnut desk', price: '$420', tags: ['wood', 'office'] },
    { name: 'Oak shelf', price: '$130', tags: ['wood'] },
    { name: 'Steel lamp', price: '$75', tags: [] },
  ],
  [
    { name: 'Linen chair', price: '$210', tags: ['fabric'] },
    { name: 'Glass vase', price: '$40', tags: ['glass', 'decor'] },
  ],
  [{ name: 'Wool rug', price: '$300', tags: ['fabric', 'decor'] }],
];

/** A listing page as a shop renders it: cards with a link, a price, tags, and a "next" link (relative). */
function listingPage(page: number, next: string | null): string {
  const cards = catalogue[page - 1]!.map(
    (p, i) => `
      <article class="product">
        <h2><a href="/shop/item/${page}-${i}">  ${p.name}\n </a></h2>
        <span class="price">${p.price}</span>
        <ul>${p.tags.map((t) => `<li class="tag">${t}</li>`).join('')}</ul>
      </article>`,
  );
  return `<!doctype html><html><head><title>Shop, page ${page}</title></head><body>
    <main>${cards.join('')}</main>
    <nav class="pager">${next ? `<a rel="next" class="next" href="${next}">Next »</a>` : '<span class="next disabled">Next</span>'}</nav>
  </body></html>`;
}

/** The shop: three listing pages, a robots.txt that forbids /private, and pages that misbehave. */
function openShop(shop: Target): void {
  shop.route('/robots.txt', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private\n\nUser-agent: PickyBot\nCrawl-delay: 1\nDisallow: /nothing-here\n'));
  shop.route('/shop/page/1', (_req, res) => html(res, listingPage(1, '/shop/page/2')));
  shop.route('/shop/page/2', (_req, res) => html(res, listingPage(2, '3')));
  shop.route('/shop/page/3', (_req, res) => html(res, listingPage(3, null)));
  shop.route('/private/list', (_req, res) => html(res, listingPage(1, null)));
  shop.route('/to-private', (_req, res) => html(res, listingPage(1, '/private/list')));
}

const fields = {
  name: { selector: 'h2' },
  url: { selector: 'h2 a', attribute: 'href' },
  price: { selector: '.price' },
  tags: { selector: '.tag', all: true },
  missing: { selector: '.rating' },
};

const shopConfig = (shop: Target, extra: Record<string, unknown> = {}) => ({
  startUrls: [`${shop.url}/shop/page/1`],
  itemSelector: 'article.product',
  fields,
  nextPageSelector: 'nav.pager a.next',
  delayMs: 0,
  ...extra,
});

const runScraper = (ws: Workspace, config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  runOneNode(ws, { id: 'scrape', type: 'scraper.scrape', config, ...extra });

const retrying = (maxAttempts = 2) => ({ retry: { maxAttempts, backoff: { initialMs: 10, factor: 1, maxMs: 10 } } });

for (const kind of databaseKinds) {
  describe(`scraper.scrape: a listing across pages into a flow (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    let shop: Target;

    before(async () => {
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
      ws = await workspace(server);
      shop = await startTarget();
      openShop(shop);
    });
    after(async () => {
      await shop?.close();
      await server?.close();
    });

    it('follows the next-page link across 3 pages, reads robots.txt once, and stores {items, pages} with the execution', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'scrape', type: 'scraper.scrape', config: shopConfig(shop) },
          { id: 'use', type: 'logic.set', config: { value: { products: '{{ $json.items }}' } } },
        ],
        edges: [
          { source: 't', target: 'scrape' },
          { source: 'scrape', target: 'use' },
        ],
      });
      const finished = await runAndWait(ws, flow.id);
      expect(finished.status, JSON.stringify(finished.error)).to.equal('succeeded');
      // Read back as stored, not as the run answered.
      const execution = await getExecution(ws, finished.id);
      const step = stepOf(execution, 'scrape');
      const expected = catalogue.flatMap((products, page) =>
        products.map((p, i) => ({ name: p.name, url: `${shop.url}/shop/item/${page + 1}-${i}`, price: p.price, tags: p.tags, missing: null })),
      );
      expect(step.output.items).to.deep.equal(expected);
      expect(step.output.pages).to.deep.equal([
        { url: `${shop.url}/shop/page/1`, status: 200, items: 3 },
        { url: `${shop.url}/shop/page/2`, status: 200, items: 2 },
        { url: `${shop.url}/shop/page/3`, status: 200, items: 1 },
      ]);
      expect(stepOf(execution, 'use').output).to.deep.equal({ products: expected });
      expect(shop.hits.get('/robots.txt')).to.equal(1);
    });
  });
}

describe('scraper.scrape: robots.txt, limits and bad answers', function () {
  let server: TestServer;
  let strict: TestServer;
  let ws: Workspace;
  let strictWs: Workspace;
  let shop: Target;
  let other: Target;

  before(async () => {
    const kind = databaseKinds[0]!;
    server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
    strict = await startServer(kind);
    ws = await workspace(server);
    strictWs = await workspace(strict);
    shop = await startTarget();
    other = await startTarget();
    openShop(shop);
  });
  after(async () => {
    await shop?.close();
    await other?.close();
    await server?.close();
    await strict?.close();
  });

  beforeEach(() => shop.hits.clear());

  it('refuses a start URL that robots.txt forbids, without fetching it', async () => {
    const { step } = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/private/list`] }), retrying());
    expect(step.status).to.equal('failed');
    expect(step.error).to.include({ code: 'robots_disallowed', retryable: false });
    expect(step.error!.message).to.include('/private/list').and.include('robots.txt').and.include('SwitchboardScraper');
    expect(step.attempt).to.equal(1);
    expect(shop.hits.get('/private/list')).to.equal(undefined);
  });

  it('ends a listing whose next page robots.txt forbids, keeping what it scraped', async () => {
    const { step } = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/to-private`] }));
    expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
    expect(step.output.pages).to.have.length(1);
    expect(step.output.items).to.have.length(3);
    expect(step.logs.join('\n')).to.include('disallowed by robots.txt');
    expect(shop.hits.get('/private/list')).to.equal(undefined);
  });

  it('sends its user agent, obeys the rules of that agent and its Crawl-delay, and spaces requests to a host by delayMs', async () => {
    const agents: string[] = [];
    const times: number[] = [];
    shop.route('/ua/1', (req, res) => {
      agents.push(req.headers['user-agent']!);
      times.push(Date.now());
      html(res, listingPage(1, '/ua/2'));
    });
    shop.route('/ua/2', (req, res) => {
      agents.push(req.headers['user-agent']!);
      times.push(Date.now());
      html(res, listingPage(2, null));
    });
    // PickyBot's group has a Crawl-delay of 1 s and no rule against /private.
    const picky = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/ua/1`, `${shop.url}/private/list`], userAgent: 'PickyBot/2.0' }));
    expect(picky.step.status, JSON.stringify(picky.step.error)).to.equal('succeeded');
    expect(agents).to.deep.equal(['PickyBot/2.0', 'PickyBot/2.0']);
    expect(times[1]! - times[0]!).to.be.at.least(950);
    expect(picky.step.output.pages.map((p: { url: string }) => new URL(p.url).pathname)).to.deep.equal(['/ua/1', '/ua/2', '/private/list']);

    times.length = 0;
    const paced = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/ua/1`], delayMs: 400 }));
    expect(paced.step.status, JSON.stringify(paced.step.error)).to.equal('succeeded');
    expect(times[1]! - times[0]!).to.be.at.least(380);
  });

  it('scrapes several start URLs on several hosts, reading each robots.txt once', async () => {
    other.route('/robots.txt', (_req, res) => res.writeHead(404).end());
    other.route('/list', (_req, res) => html(res, listingPage(3, null)));
    const { step } = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/shop/page/2`, `${other.url}/list`] }));
    expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
    expect(step.output.items.map((i: Product) => i.name)).to.deep.equal(['Linen chair', 'Glass vase', 'Wool rug', 'Wool rug']);
    expect(step.output.pages).to.have.length(3);
    expect(shop.hits.get('/robots.txt')).to.equal(1);
    expect(other.hits.get('/robots.txt')).to.equal(1);
  });

  it('stops at maxItems and at maxPages', async () => {
    const items = await runScraper(ws, shopConfig(shop, { maxItems: 4 }));
    expect(items.step.output.items.map((i: Product) => i.name)).to.deep.equal(['Walnut desk', 'Oak shelf', 'Steel lamp', 'Linen chair']);
    expect(items.step.output.pages).to.deep.equal([
      { url: `${shop.url}/shop/page/1`, status: 200, items: 3 },
      { url: `${shop.url}/shop/page/2`, status: 200, items: 1 },
    ]);
    expect(shop.hits.get('/shop/page/3')).to.equal(undefined);
    expect(items.step.logs.join('\n')).to.include('maxItems');

    const pages = await runScraper(ws, shopConfig(shop, { maxPages: 2 }));
    expect(pages.step.output.items).to.have.length(5);
    expect(pages.step.logs.join('\n')).to.include('maxPages');
  });

  it('fails a slow page at its timeout, as retryable, and tries again', async () => {
    const held: ServerResponse[] = [];
    shop.route('/slow', (_req, res) => void held.push(res));
    try {
      const { step } = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/slow`], timeoutMs: 300 }), retrying(2));
      expect(step.status).to.equal('failed');
      expect(step.error).to.include({ code: 'timeout', retryable: true });
      expect(step.error!.message).to.include('/slow').and.include('300 ms');
      expect(step.attempt).to.equal(2);
      // robots.txt is fetched once per run of the node, so again on the second try.
      expect(shop.hits.get('/robots.txt')).to.equal(2);
    } finally {
      for (const res of held) res.destroy();
    }
  });

  it('stops reading an oversized page at the cap and says so, announced or not', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    shop.route('/huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><body>');
      // An endless page: only the reader stopping ends it.
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    shop.route('/huge-declared', (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(20 * 1024 * 1024) }).end());
    const endless = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/huge`], maxPageBytes: 256 * 1024 }));
    expect(endless.step.error).to.include({ code: 'response_too_large', retryable: false });
    expect(endless.step.error!.message).to.include('/huge').and.include('256 KiB');
    expect(written).to.be.below(16 * 1024 * 1024);
    const declared = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/huge-declared`] }));
    expect(declared.step.error).to.include({ code: 'response_too_large', retryable: false });
    expect(declared.step.error!.message).to.include('2 MiB');
  });

  it('fails clearly on an answer that is not HTML', async () => {
    shop.route('/feed.json', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"products": []}'));
    shop.route('/bare', (_req, res) => res.writeHead(200).end('%PDF-1.7 binary'));
    const feed = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/feed.json`] }));
    expect(feed.step.error).to.include({ code: 'not_html', retryable: false });
    expect(feed.step.error!.message).to.include('application/json').and.include('not HTML').and.include('http.request');
    const bare = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/bare`] }));
    expect(bare.step.error).to.include({ code: 'not_html', retryable: false });
  });

  it('parses pages off the event loop: a page whose DOM outgrows the parser heap fails clearly while the server keeps answering', async function () {
    this.timeout(120_000);
    // 5 MiB of tiny elements: hundreds of thousands of DOM nodes, more than the parser's heap holds.
    const dense = Buffer.from(`<html><body>${'<b a=1 b=2></b>'.repeat(Math.floor((5 * 1024 * 1024 - 100) / 15))}</body></html>`);
    shop.route('/dense', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(dense));
    const flow = await createFlow(ws, {
      nodes: [
        { id: 't', type: 'trigger.manual' },
        { id: 'scrape', type: 'scraper.scrape', config: shopConfig(shop, { startUrls: [`${shop.url}/dense`], itemSelector: 'b', fields: { a: { attribute: 'a' } }, maxPageBytes: 5 * 1024 * 1024 }) },
      ],
      edges: [{ source: 't', target: 'scrape' }],
    });
    const started = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flow.id}/run`, { token: ws.token, body: {} });
    expect(started.status).to.equal(202);
    let slowest = 0;
    let probes = 0;
    for (let done = false; !done; ) {
      const began = Date.now();
      const health = await ws.server.request('GET', '/health');
      slowest = Math.max(slowest, Date.now() - began);
      probes++;
      expect(health.status).to.equal(200);
      done = ['succeeded', 'failed'].includes((await getExecution(ws, started.body.executionId)).status);
      await new Promise((r) => setTimeout(r, 100));
    }
    const execution = await waitForStatus(ws, started.body.executionId, ['failed']);
    const step = stepOf(execution, 'scrape');
    expect(step.error).to.include({ code: 'parse_failed', retryable: false });
    expect(step.error!.message).to.include('too large to parse').and.include('maxPageBytes');
    // Parsing this page takes seconds; on the event loop, /health would have waited as long.
    expect(probes).to.be.at.least(3);
    expect(slowest).to.be.below(3000);
  });

  it('decodes a page in the charset it declares', async () => {
    shop.route('/latin1', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from('<article class="product"><h2>Caf\xe9 cr\xe8me</h2></article>', 'latin1')),
    );
    const { step } = await runScraper(ws, { startUrls: [`${shop.url}/latin1`], itemSelector: 'article', fields: { name: { selector: 'h2' } }, delayMs: 0 });
    expect(step.output.items).to.deep.equal([{ name: 'Café crème' }]);
  });

  it('fails a missing page, and treats a robots.txt answering 503 as closed (retryable)', async () => {
    const missing = await runScraper(ws, shopConfig(shop, { startUrls: [`${shop.url}/no-such-page`] }), retrying());
    expect(missing.step.error).to.include({ code: 'http_404', retryable: false });
    expect(missing.step.attempt).to.equal(1);

    const closed = await startTarget();
    try {
      closed.route('/robots.txt', (_req, res) => res.writeHead(503).end());
      closed.route('/list', (_req, res) => html(res, listingPage(1, null)));
      const { step } = await runScraper(ws, shopConfig(closed, { startUrls: [`${closed.url}/list`] }));
      expect(step.error).to.include({ code: 'robots_unavailable', retryable: true });
      expect(step.error!.message).to.include('503').and.include('RFC 9309');
      expect(closed.hits.get('/list')).to.equal(undefined);
    } finally {
      await closed.close();
    }
  });

  it('refuses a selector CSS cannot parse before fetching anything', async () => {
    const { step } = await runScraper(ws, shopConfig(shop, { fields: { name: { selector: 'h2[' } } }));
    expect(step.error).to.include({ code: 'invalid_selector', retryable: false });
    expect(step.error!.message).to.include('"name"').and.include('h2[');
    expect(shop.hits.size).to.equal(0);
  });

  it('refuses a config that breaks the schema when the flow is saved', async () => {
    const res = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
      token: ws.token,
      body: {
        name: 'bad scraper',
        graph: {
          nodes: [
            { id: 't', type: 'trigger.manual' },
            { id: 's', type: 'scraper.scrape', config: { startUrls: [], itemSelector: '', fields: { x: { selector: 'a', attr: 'href' } }, maxPages: 0 } },
          ],
          edges: [{ source: 't', target: 's' }],
        },
      },
    });
    expect(res.status).to.equal(400);
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).join(' ');
    expect(paths).to.include('startUrls').and.include('itemSelector').and.include('maxPages').and.include('fields/x');
  });

  describe('private addresses', () => {
    it('with ALLOW_PRIVATE_NETWORK unset, refuses the local pages server with a clear error and never reaches it', async () => {
      const { step } = await runScraper(strictWs, shopConfig(shop), retrying());
      expect(step.status).to.equal('failed');
      expect(step.error).to.include({ code: 'private_network', retryable: false });
      expect(step.error!.message).to.include('127.0.0.1').and.include('loopback').and.include('ALLOW_PRIVATE_NETWORK=true');
      expect(step.attempt).to.equal(1);
      expect(shop.hits.size).to.equal(0);
    });

    it('refuses a name that resolves to 127.0.0.1 when ALLOW_PRIVATE_NETWORK is unset', async () => {
      const { step } = await runScraper(strictWs, shopConfig(shop, { startUrls: [`http://localhost:${new URL(shop.url).port}/shop/page/1`] }));
      expect(step.error).to.include({ code: 'private_network', retryable: false });
      expect(step.error!.message).to.match(/localhost \(resolved to (127\.0\.0\.1|::1)\)/);
      expect(shop.hits.size).to.equal(0);
    });

    it('checks every redirect: a public-looking page that redirects to a private address is refused', async () => {
      // A policy that lets 127.0.0.1 through, so the local server stands in for a public one named public.test.
      const refuse = (address: string) => (address === '127.0.0.1' ? null : refusalReason(address));
      const resolve = async (name: string) => [{ address: name === 'public.test' ? '127.0.0.1' : '10.0.0.7', family: 4 }];
      const dispatcher = guardedAgent({ refuse, resolve });
      const port = new URL(shop.url).port;
      shop.route('/moved', (_req, res) => res.writeHead(302, { location: 'http://intranet.test/admin' }).end());
      shop.route('/moved-to-metadata', (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
      const logs: string[] = [];
      const run = (path: string) =>
        scrape(
          {
            startUrls: [`http://public.test:${port}${path}`],
            itemSelector: 'article',
            fields: { name: { selector: 'h2' } },
            delayMs: 0,
            maxPages: 1,
            maxItems: 10,
            userAgent: 'SwitchboardScraper/1.0',
            timeoutMs: 5000,
            maxPageBytes: 100_000,
          },
          { signal: AbortSignal.timeout(5000), allowPrivateNetwork: false, log: (m) => logs.push(m), dispatcher },
        ).catch((e: Error) => e);
      try {
        const toName = await run('/moved');
        expect(toName).to.include({ name: 'NodeError', code: 'private_network' });
        expect((toName as Error).message).to.include('intranet.test (resolved to 10.0.0.7)');
        const toMetadata = await run('/moved-to-metadata');
        expect((toMetadata as Error).message).to.include('cloud metadata');
        expect(shop.hits.get('/robots.txt')).to.equal(2);
        expect(shop.hits.get('/moved')).to.equal(1);
      } finally {
        await dispatcher.close();
      }
    });
  });
});
