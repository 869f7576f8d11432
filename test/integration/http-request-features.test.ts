import { expect } from 'chai';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Response as WebResponse } from 'undici';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, stepOf, type Workspace, workspace } from '../helpers/flows.js';
import { callHttpRequest as call } from '../helpers/http-request.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { json, startTarget, type Target } from '../helpers/target.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** Records what arrives at `path`, then answers with `answer` (by default 200 {ok: true}). */
function record(target: Target, path: string, answer: (res: ServerResponse, seen: Seen, hit: number) => void = (res) => json(res, 200, { ok: true })): Seen[] {
  const seen: Seen[] = [];
  target.route(path, (req: IncomingMessage, res, hit) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
      seen.push(entry);
      answer(res, entry, hit);
    });
  });
  return seen;
}

const retrying = (maxAttempts = 3) => ({ retry: { maxAttempts, backoff: { initialMs: 10, factor: 1, maxMs: 10 } } });

const kind = databaseKinds[0]!;

describe('http.request: bodies, answers, timeouts, retries, the error port and pagination', function () {
  let server: TestServer;
  let strict: TestServer;
  let ws: Workspace;
  let strictWs: Workspace;
  let api: Target;
  let other: Target;

  before(async () => {
    server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
    strict = await startServer(kind);
    ws = await workspace(server);
    strictWs = await workspace(strict);
    api = await startTarget();
    other = await startTarget();
  });
  after(async () => {
    await api?.close();
    await other?.close();
    await server?.close();
    await strict?.close();
  });

  describe('requests', () => {
    it('sends the method, query, headers and a JSON body, and emits status, headers and the parsed answer', async () => {
      const seen = record(api, '/orders', (res) => json(res, 201, { id: 'ord_1' }, { 'x-request-id': 'req-9' }));
      const { step } = await call(ws, {
        method: 'POST',
        url: `${api.url}/orders?source=flow`,
        query: { page: 2, draft: false },
        headers: { 'X-Tenant': 'acme' },
        body: { sku: 'A-1', qty: 3 },
      });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.output).to.deep.include({ status: 201, body: { id: 'ord_1' } });
      expect(step.output.headers).to.include({ 'x-request-id': 'req-9', 'content-type': 'application/json' });
      const [request] = seen;
      expect(request!.method).to.equal('POST');
      expect(new URL(request!.url, 'http://x').search).to.equal('?source=flow&page=2&draft=false');
      expect(request!.headers).to.include({ 'x-tenant': 'acme', 'content-type': 'application/json' });
      expect(JSON.parse(request!.body.toString())).to.deep.equal({ sku: 'A-1', qty: 3 });
    });

    it('sends a string under bodyType json as the JSON text it is, and refuses text that is not JSON without calling', async () => {
      const seen = record(api, '/json-text');
      const { step } = await call(ws, { method: 'PUT', url: `${api.url}/json-text`, bodyType: 'json', body: '{"a": [1, 2]}' });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(seen[0]!.body.toString()).to.equal('{"a": [1, 2]}');
      expect(seen[0]!.headers['content-type']).to.equal('application/json');

      const bad = await call(ws, { method: 'PUT', url: `${api.url}/json-text`, bodyType: 'json', body: '{"a": ' }, retrying());
      expect(bad.step.error).to.include({ code: 'invalid_body', retryable: false });
      expect(bad.step.error!.message).to.include('not valid JSON');
      expect(bad.step.attempt).to.equal(1);
      expect(seen).to.have.length(1);
    });

    it('sends a form body URL-encoded, a list repeating its field', async () => {
      const seen = record(api, '/form');
      const { step } = await call(ws, { method: 'POST', url: `${api.url}/form`, bodyType: 'form', body: { name: 'Ada Lovelace', tags: ['a&b', 'c'], vip: true } });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(seen[0]!.headers['content-type']).to.equal('application/x-www-form-urlencoded');
      const params = new URLSearchParams(seen[0]!.body.toString());
      expect(params.get('name')).to.equal('Ada Lovelace');
      expect(params.getAll('tags')).to.deep.equal(['a&b', 'c']);
      expect(params.get('vip')).to.equal('true');
    });

    it('sends multipart with text fields and files from base64 and text, replacing a Content-Type set by hand', async () => {
      const seen = record(api, '/upload');
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
      const { step } = await call(ws, {
        method: 'POST',
        url: `${api.url}/upload`,
        headers: { 'Content-Type': 'application/json' },
        bodyType: 'multipart',
        body: {
          title: 'Invoice',
          image: { base64: png.toString('base64'), filename: 'logo.png', contentType: 'image/png' },
          notes: [{ text: 'first note', filename: 'a.txt' }, { text: 'second', filename: 'b.txt' }],
        },
      });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.logs.join('\n')).to.include('multipart/form-data');
      const contentType = seen[0]!.headers['content-type']!;
      expect(contentType).to.match(/^multipart\/form-data; boundary=/);
      // Parsed by a real multipart parser (the WHATWG Response of undici).
      const form = await new WebResponse(seen[0]!.body, { headers: { 'content-type': contentType } }).formData();
      expect(form.get('title')).to.equal('Invoice');
      const image = form.get('image') as File;
      expect(image.name).to.equal('logo.png');
      expect(image.type).to.equal('image/png');
      expect(Buffer.from(await image.arrayBuffer())).to.deep.equal(png);
      const notes = form.getAll('notes') as File[];
      expect(notes.map((n) => n.name)).to.deep.equal(['a.txt', 'b.txt']);
      expect(await notes[1]!.text()).to.equal('second');
    });

    it('sends a raw body as written with the Content-Type from the headers', async () => {
      const seen = record(api, '/raw');
      const csv = 'id,name\n1,Ada\n';
      const { step } = await call(ws, { method: 'POST', url: `${api.url}/raw`, headers: { 'Content-Type': 'text/csv' }, bodyType: 'raw', body: csv });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(seen[0]!.body.toString()).to.equal(csv);
      expect(seen[0]!.headers['content-type']).to.equal('text/csv');
    });

    const badBodies: [bodyType: string, body: unknown, says: string][] = [
      ['form', [1, 2], 'must be an object'],
      ['form', { nested: { a: 1 } }, 'form field "nested"'],
      ['multipart', 'text', 'must be an object'],
      ['multipart', { file: { base64: 'AAAA', text: 'both' } }, 'exactly one of base64 or text'],
      ['multipart', { file: { base64: 'not base64!' } }, 'not valid'],
      ['multipart', { file: { text: 'x', path: '/etc/passwd' } }, 'unknown keys (path)'],
      ['raw', { a: 1 }, 'raw body must be text'],
    ];
    for (const [bodyType, body, says] of badBodies) {
      it(`refuses a ${bodyType} body ${JSON.stringify(body)} with a clear error, without calling or retrying`, async () => {
        const seen = record(api, `/bad-${bodyType}`);
        const { step } = await call(ws, { method: 'POST', url: `${api.url}/bad-${bodyType}`, bodyType, body }, retrying());
        expect(step.status).to.equal('failed');
        expect(step.error).to.include({ code: 'invalid_body', retryable: false });
        expect(step.error!.message).to.include(says);
        expect(step.attempt).to.equal(1);
        expect(seen).to.have.length(0);
      });
    }
  });

  describe('answers', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 0x80, 10]);
    before(() => {
      api.route('/binary', (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes));
      api.route('/json-as-text', (_req, res) => json(res, 200, { a: 1 }));
      api.route('/not-json', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{oops'));
    });

    it('gives a binary answer as base64, byte for byte', async () => {
      const { step } = await call(ws, { url: `${api.url}/binary`, responseType: 'base64' });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(Buffer.from(step.output.body, 'base64')).to.deep.equal(bytes);
    });

    it('gives JSON as text when asked, and fails a json answer that does not parse', async () => {
      const text = await call(ws, { url: `${api.url}/json-as-text`, responseType: 'text' });
      expect(text.step.output.body).to.equal('{"a":1}');
      const broken = await call(ws, { url: `${api.url}/not-json`, responseType: 'json' });
      expect(broken.step.error).to.include({ code: 'invalid_response', retryable: false });
      const auto = await call(ws, { url: `${api.url}/not-json` });
      expect(auto.step.output.body).to.equal('{oops');
    });
  });

  describe('timeouts and retries', () => {
    it('gives up on a server that does not answer within timeoutMs, as a retryable timeout, and tries again', async () => {
      const held: ServerResponse[] = [];
      api.route('/hang', (_req, res) => void held.push(res));
      try {
        const { step } = await call(ws, { url: `${api.url}/hang`, timeoutMs: 300 }, retrying(2));
        expect(step.status).to.equal('failed');
        expect(step.error).to.include({ code: 'timeout', retryable: true });
        expect(step.error!.message).to.include('did not answer within 300 ms').and.include('/hang');
        expect(step.attempt).to.equal(2);
        expect(api.hits.get('/hang')).to.equal(2);
      } finally {
        for (const res of held) res.destroy();
      }
    });

    it('times out an answer whose body trickles past the limit', async () => {
      api.route('/trickle', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first part…');
        const timer = setTimeout(() => res.end('too late'), 5000);
        res.on('close', () => clearTimeout(timer));
      });
      const { step } = await call(ws, { url: `${api.url}/trickle`, timeoutMs: 300 });
      expect(step.error).to.include({ code: 'timeout', retryable: true });
    });

    it('retries a 429 no sooner than its Retry-After (seconds), then succeeds', async () => {
      const seen = record(api, '/limited', (res, _seen, hit) => (hit === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, { ok: 'now' })));
      const { step } = await call(ws, { url: `${api.url}/limited` }, retrying());
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.attempt).to.equal(2);
      expect(step.output.body).to.deep.equal({ ok: 'now' });
      // The backoff alone is 10 ms: the wait came from Retry-After.
      expect(seen[1]!.at - seen[0]!.at).to.be.at.least(950);
      expect(step.logs.join('\n')).to.include('attempt 1 failed').and.include('429');
    });

    it('retries a 503 no sooner than its Retry-After (HTTP date)', async () => {
      const seen = record(api, '/unavailable', (res, _seen, hit) =>
        hit === 1 ? res.writeHead(503, { 'retry-after': new Date(Date.now() + 2000).toUTCString() }).end('maintenance') : json(res, 200, {}),
      );
      const { step } = await call(ws, { url: `${api.url}/unavailable` }, retrying());
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      // An HTTP date has whole seconds: at least ~1 s of the 2 remain.
      expect(seen[1]!.at - seen[0]!.at).to.be.at.least(950);
    });

    it('fails with the status once the retries run out, and does not retry a 404', async () => {
      api.route('/down', (_req, res) => json(res, 500, { error: 'boom' }));
      const down = await call(ws, { url: `${api.url}/down` }, retrying(3));
      expect(down.step.error).to.include({ code: 'http_500', retryable: true });
      expect(down.step.error!.message).to.include('answered 500').and.include('boom');
      expect(down.step.attempt).to.equal(3);

      api.route('/missing', (_req, res) => json(res, 404, { error: 'no such order' }));
      const missing = await call(ws, { url: `${api.url}/missing` }, retrying(3));
      expect(missing.step.error).to.include({ code: 'http_404', retryable: false });
      expect(missing.step.attempt).to.equal(1);
    });
  });

  describe('the error port', () => {
    it('sends a failure to the error branch, with its code and message, and the execution goes on', async () => {
      api.route('/gone', (_req, res) => json(res, 410, { error: 'order archived' }));
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'http.request', config: { url: `${api.url}/gone` } },
          { id: 'ok', type: 'logic.set', config: { value: { fine: true } } },
          { id: 'handle', type: 'logic.set', config: { value: { failedWith: '{{ $json.code }}', why: '{{ $json.message }}' } } },
        ],
        edges: [
          { source: 't', target: 'call' },
          { source: 'call', target: 'ok' },
          { source: 'call', sourcePort: 'error', target: 'handle' },
        ],
      });
      const execution = await runAndWait(ws, flow.id);
      expect(execution.status).to.equal('succeeded');
      expect(stepOf(execution, 'handle').output).to.deep.include({ failedWith: 'http_410' });
      expect(stepOf(execution, 'handle').output.why).to.include('order archived');
      expect(stepOf(execution, 'ok').status).to.equal('skipped');
    });

    it('with failOnStatus off, emits a 4xx answer on main', async () => {
      api.route('/teapot', (_req, res) => json(res, 418, { short: 'stout' }));
      const { step } = await call(ws, { url: `${api.url}/teapot`, failOnStatus: false });
      expect(step.status).to.equal('succeeded');
      expect(step.output).to.deep.include({ status: 418, body: { short: 'stout' } });
    });
  });

  describe('pagination', () => {
    const people = ['ada', 'grace', 'edsger', 'barbara', 'alan', 'margaret', 'donald'];
    const pageOf = (page: number, size = 3) => people.slice((page - 1) * size, page * size);
    const pageParam = (req: IncomingMessage) => Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');

    it('follows the Link header across 3 pages and concatenates the list bodies', async () => {
      const seen = record(api, '/people', (res, entry) => {
        const page = Number(new URL(entry.url, 'http://x').searchParams.get('page') ?? '1');
        const link = page < 3 ? `<${api.url}/people?page=${page + 1}>; rel="next", <${api.url}/people?page=3>; rel="last"` : `<${api.url}/people?page=1>; rel="first"`;
        json(res, 200, pageOf(page), { link });
      });
      const { step } = await call(ws, { url: `${api.url}/people`, headers: { Authorization: 'Bearer k' }, pagination: { next: 'linkHeader' } });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.output).to.deep.include({ items: people, pages: 3, hasMore: false, status: 200 });
      expect(seen.map((s) => s.headers.authorization)).to.deep.equal(['Bearer k', 'Bearer k', 'Bearer k']);
    });

    it('follows a relative next link from a body path and picks the items at itemsPath', async () => {
      api.route('/v2/people', (req, res) => {
        const page = pageParam(req);
        json(res, 200, { data: pageOf(page, 4), paging: { next: page < 2 ? `/v2/people?page=${page + 1}` : null } });
      });
      const { step } = await call(ws, { url: `${api.url}/v2/people`, pagination: { next: 'bodyPath', nextPath: 'paging.next', itemsPath: 'data' } });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.output).to.deep.include({ items: people, pages: 2, hasMore: false });
    });

    it('sends a cursor from the body in a query parameter of the first URL', async () => {
      const seen = record(api, '/cursor', (res, entry) => {
        const cursor = new URL(entry.url, 'http://x').searchParams.get('after');
        const page = cursor === null ? 1 : Number(cursor.replace('c', ''));
        json(res, 200, { results: pageOf(page), meta: { cursor: page < 3 ? `c${page + 1}` : '' } });
      });
      const { step } = await call(ws, { url: `${api.url}/cursor`, query: { limit: 3 }, pagination: { next: 'bodyPath', nextPath: 'meta.cursor', cursorParam: 'after', itemsPath: 'results' } });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.output).to.deep.include({ items: people, pages: 3, hasMore: false });
      expect(seen.map((s) => s.url)).to.deep.equal(['/cursor?limit=3', '/cursor?limit=3&after=c2', '/cursor?limit=3&after=c3']);
    });

    it('stops at maxPages and says more were available', async () => {
      api.route('/endless', (req, res) => json(res, 200, { items: [pageParam(req)], next: `/endless?page=${pageParam(req) + 1}` }));
      const { step } = await call(ws, { url: `${api.url}/endless`, pagination: { next: 'bodyPath', nextPath: 'next', itemsPath: 'items', maxPages: 4 } });
      expect(step.output).to.deep.include({ items: [1, 2, 3, 4], pages: 4, hasMore: true });
      expect(step.logs.join('\n')).to.include('maxPages');
      expect(api.hits.get('/endless')).to.equal(4);
    });

    it('stops when a page names itself as next', async () => {
      api.route('/self', (_req, res) => json(res, 200, { items: ['x'], next: '/self' }));
      const { step } = await call(ws, { url: `${api.url}/self`, pagination: { next: 'bodyPath', nextPath: 'next', itemsPath: 'items' } });
      expect(step.output).to.deep.include({ items: ['x'], pages: 1, hasMore: false });
    });

    it('refuses a next page on another origin, so the headers are not sent there', async () => {
      api.route('/leaky', (_req, res) => json(res, 200, { items: [1], next: `${other.url}/collect` }));
      const collected = record(other, '/collect');
      const { step } = await call(ws, { url: `${api.url}/leaky`, headers: { Authorization: 'Bearer secret' }, pagination: { next: 'bodyPath', nextPath: 'next', itemsPath: 'items' } });
      expect(step.error).to.include({ code: 'cross_origin_next_page', retryable: false });
      expect(step.error!.message).to.include(new URL(other.url).host);
      expect(collected).to.have.length(0);
    });

    it('explains pagination settings that cannot work', async () => {
      api.route('/plain', (_req, res) => json(res, 200, { items: 'not a list', next: { nested: true } }));
      const noPath = await call(ws, { url: `${api.url}/plain`, pagination: { next: 'bodyPath' } });
      expect(noPath.step.error).to.include({ code: 'invalid_pagination', retryable: false });
      expect(api.hits.get('/plain')).to.equal(undefined);
      const notList = await call(ws, { url: `${api.url}/plain`, pagination: { next: 'bodyPath', nextPath: 'next', itemsPath: 'items' } });
      expect(notList.step.error).to.include({ code: 'invalid_page_items', retryable: false });
      const notUrl = await call(ws, { url: `${api.url}/plain`, pagination: { next: 'bodyPath', nextPath: 'next' } });
      expect(notUrl.step.error).to.include({ code: 'invalid_next_page', retryable: false });
      expect(notUrl.step.error!.message).to.include('"next"');
    });

    it('refuses a pagination config that breaks the schema when the flow is saved', async () => {
      const res = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: {
          name: 'bad pagination',
          graph: {
            nodes: [
              { id: 't', type: 'trigger.manual' },
              { id: 'call', type: 'http.request', config: { url: `${api.url}/x`, pagination: { next: 'sideways', maxPages: 1000 } } },
            ],
            edges: [{ source: 't', target: 'call' }],
          },
        },
      });
      expect(res.status).to.equal(400);
      const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).join(' ');
      expect(paths).to.include('pagination/next').and.include('pagination/maxPages');
    });
  });

  describe('private addresses, both ways', () => {
    it('reaches a name that resolves to 127.0.0.1 when ALLOW_PRIVATE_NETWORK=true, and refuses it when unset', async () => {
      const seen = record(api, '/by-name');
      const url = `http://localhost:${new URL(api.url).port}/by-name`;
      const allowed = await call(ws, { url });
      expect(allowed.step.status, JSON.stringify(allowed.step.error)).to.equal('succeeded');
      expect(seen).to.have.length(1);
      const refused = await call(strictWs, { url });
      expect(refused.step.error).to.include({ code: 'private_network', retryable: false });
      expect(seen).to.have.length(1);
    });

    const literals: [url: string, reason: string][] = [
      ['http://100.64.0.1/', 'carrier-grade NAT'],
      ['http://169.254.1.1/', 'link-local'],
      ['http://[::ffff:169.254.169.254]/latest/meta-data/', 'cloud metadata'],
      ['http://[::ffff:10.1.2.3]/', 'private network'],
      ['http://[fe80::1]/', 'link-local'],
    ];
    for (const [url, reason] of literals) {
      it(`refuses ${url} (${reason}) when ALLOW_PRIVATE_NETWORK is unset`, async () => {
        const { step } = await call(strictWs, { url });
        expect(step.error).to.include({ code: 'private_network', retryable: false });
        expect(step.error!.message).to.include(reason).and.include('ALLOW_PRIVATE_NETWORK');
      });
    }
  });
});
