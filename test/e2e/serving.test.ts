import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildEditorIfStale } from './helpers/editor-build.js';

// Serving touches no storage: SQLite is enough.
const sqlite = databaseKinds.find((k) => k.name === 'sqlite')!;

describe('The editor is served at /', function () {
  this.timeout(120_000);
  let server: TestServer;
  before(async () => {
    buildEditorIfStale();
    server = await startServer(sqlite);
  });
  after(async () => server?.close());

  it('answers / and client routes with the editor page, which names its hashed script', async () => {
    for (const path of ['/', '/login', '/s/1234/flows/abcd']) {
      const res = await server.request('GET', path, { headers: { accept: 'text/html' } });
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/text\/html/);
      expect(res.text).to.match(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
      expect(res.headers.get('cache-control')).to.equal('no-cache');
    }
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const page = await server.request('GET', '/');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)![1];
    const res = await server.request('GET', script);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/javascript/);
    expect(res.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
  });

  it('lets the editor page run its form validator but keeps the rest of the policy', async () => {
    const res = await server.request('GET', '/flows', { headers: { accept: 'text/html' } });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).to.include("script-src 'self' 'unsafe-eval'");
    expect(csp).to.include("object-src 'none'");
    expect(csp).to.not.include('upgrade-insecure-requests');
  });

  it('answers a client route asked for by a script (no text/html in Accept) with the JSON 404, not the page', async () => {
    const res = await server.request('GET', '/flows', { headers: { accept: 'application/json' } });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('route_not_found');
  });

  it('answers missing files, API routes, webhooks and operations as before, never with the page', async () => {
    const asset = await server.request('GET', '/assets/missing-123.js');
    expect(asset.status).to.equal(404);
    expect(asset.body.error.code).to.equal('route_not_found');
    const favicon = await server.request('GET', '/nothing-here.png');
    expect(favicon.status).to.equal(404);
    const api = await server.request('GET', '/api/nope', { headers: { accept: 'text/html' } });
    expect(api.status).to.equal(404);
    expect(api.body.error.code).to.equal('route_not_found');
    const hook = await server.request('GET', '/webhooks/not-a-token', { headers: { accept: 'text/html' } });
    expect(hook.status).to.equal(404);
    expect(hook.text).to.not.include('<div id="root">');
    const health = await server.request('GET', '/health', { headers: { accept: 'text/html' } });
    expect(health.body.status).to.equal('ok');
  });
});
