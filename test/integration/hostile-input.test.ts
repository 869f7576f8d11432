import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { loadConfig } from '../../server/config.js';
import { MAX_JSON_DEPTH } from '../../server/lib/json-body.js';
import { databaseKinds } from '../helpers/databases.js';
import { activate, createFlow, type Workspace, workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency } from '../helpers/story.js';

const JSON_TYPE = { 'content-type': 'application/json' };
/** `[[[…]]]` nested `levels` deep. */
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/** Any method, even those fetch refuses to send (TRACE), through node:http. */
function rawRequest(base: string, method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

const expectError = (res: { status: number; body: any }, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.body.error.code).to.equal(code);
  expect(res.body.error.message).to.be.a('string').and.not.equal('');
  expect(res.body.error.details).to.be.an('array');
};

for (const kind of databaseKinds) {
  describe(`hostile input is refused with a clear error (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    let hookPath: string;
    let manualFlowId: string;

    before(async () => {
      // debug: accepted webhook deliveries are logged only at that level (refusals at warn).
      server = await startServer(kind, { LOG_LEVEL: 'debug' });
      ws = await workspace(server);
      const hook = await createFlow(ws, { nodes: [{ id: 'hook', type: 'trigger.webhook', config: {} }] });
      await activate(ws, hook.id);
      hookPath = new URL(hook.triggers[0].url!).pathname;
      manualFlowId = (await createFlow(ws, { nodes: [{ id: 'start', type: 'trigger.manual', config: {} }] })).id;
    });
    after(async () => server?.close());

    const counts = async () => ({ executions: await server.app.models.Execution.count(), events: await server.app.models.WebhookEvent.count() });

    describe('JSON nested past the bound', () => {
      const deep = nested(10_000);

      it('refuses a deep webhook body with 400 json_too_deep and stores nothing', async () => {
        const before = await counts();
        expectError(await server.request('POST', hookPath, { raw: deep, headers: JSON_TYPE }), 400, 'json_too_deep');
        expectError(await server.request('POST', hookPath, { raw: `{"a":${deep}}`, headers: { 'content-type': 'application/vnd.api+json' } }), 400, 'json_too_deep');
        expectError(await server.request('POST', hookPath, { raw: gzipSync(deep), headers: { ...JSON_TYPE, 'content-encoding': 'gzip' } }), 400, 'json_too_deep');
        expect(await counts()).to.deep.equal(before);
      });

      it('refuses a deep flow config, run input and integration config with 400 json_too_deep', async () => {
        const graph = `{"nodes":[{"id":"start","type":"trigger.manual","config":{}},{"id":"set","type":"logic.set","config":{"value":${deep}}}],"edges":[{"source":"start","target":"set"}]}`;
        const flow = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, { token: ws.token, raw: `{"name":"deep","graph":${graph}}`, headers: JSON_TYPE });
        expectError(flow, 400, 'json_too_deep');
        expect(flow.body.error.details[0].path).to.equal('/');
        const before = await counts();
        const run = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${manualFlowId}/run`, { token: ws.token, raw: `{"input":${deep}}`, headers: JSON_TYPE });
        expectError(run, 400, 'json_too_deep');
        expect(await counts()).to.deep.equal(before);
        const integration = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations`, {
          token: ws.token,
          raw: `{"template":"webhook-secret","name":"deep","config":{"secret":${deep}}}`,
          headers: JSON_TYPE,
        });
        expectError(integration, 400, 'json_too_deep');
      });

      it('checks the decompressed and decoded body, whatever its encoding or charset', async () => {
        const login = (raw: Buffer, headers: Record<string, string>) => server.request('POST', '/api/auth/login', { raw, headers: { ...JSON_TYPE, ...headers } });
        expectError(await login(gzipSync(deep), { 'content-encoding': 'gzip' }), 400, 'json_too_deep');
        expectError(await login(brotliCompressSync(deep), { 'content-encoding': 'br' }), 400, 'json_too_deep');
        expectError(await login(Buffer.from(deep, 'utf16le'), { 'content-type': 'application/json; charset=utf-16le' }), 400, 'json_too_deep');
      });

      it(`accepts ${MAX_JSON_DEPTH} levels, and brackets inside strings do not count`, async () => {
        // {"input": […]} : the object is one level, so the input may nest MAX_JSON_DEPTH - 1 more.
        const atBound = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${manualFlowId}/run`, {
          token: ws.token,
          raw: `{"input":${nested(MAX_JSON_DEPTH - 1)}}`,
          headers: JSON_TYPE,
        });
        expect(atBound.status, atBound.text).to.equal(202);
        const overBound = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${manualFlowId}/run`, {
          token: ws.token,
          raw: `{"input":${nested(MAX_JSON_DEPTH)}}`,
          headers: JSON_TYPE,
        });
        expectError(overBound, 400, 'json_too_deep');
        const inString = await server.request('POST', hookPath, { body: { text: `[{"\\"${'['.repeat(5000)}`, escaped: '\\' } });
        expect(inString.status, inString.text).to.equal(202);
      });
    });

    describe('malformed URLs and bodies', () => {
      const badPaths = ['%E0%A4%A', '%ZZ', '%C0%AF', '%'];

      it('answers a path that is not valid percent-encoding with 400 invalid_path, anywhere', async () => {
        for (const bad of badPaths) {
          for (const path of [`/webhooks/${bad}`, `/api/subaccounts/${bad}`, `/api/subaccounts/${ws.sid}/flows/${bad}`, `/api/${bad}`, `/${bad}`, `/metrics${bad}`]) {
            expectError(await server.request('GET', path, { token: ws.token }), 400, 'invalid_path');
          }
        }
        expectError(await server.request('POST', `${hookPath}${badPaths[0]}`, { body: {} }), 400, 'invalid_path');
      });

      it('answers an unknown route outside /api with a JSON 404', async () => {
        expectError(await server.request('GET', '/no-such-page'), 404, 'route_not_found');
      });

      it('answers a body that claims gzip, deflate, br or zstd but is not with 400, and stores nothing', async () => {
        const before = await counts();
        for (const encoding of ['gzip', 'deflate', 'br', 'zstd']) {
          const headers = { ...JSON_TYPE, 'content-encoding': encoding };
          expectError(await server.request('POST', hookPath, { raw: '{"not":"compressed"}', headers }), 400, 'invalid_content_encoding');
          expectError(await server.request('POST', '/api/auth/login', { raw: '{"not":"compressed"}', headers }), 400, 'invalid_content_encoding');
        }
        // Truncated gzip: a valid start that ends too early.
        const truncated = gzipSync('{"a":1}').subarray(0, 12);
        expectError(await server.request('POST', hookPath, { raw: truncated, headers: { ...JSON_TYPE, 'content-encoding': 'gzip' } }), 400, 'invalid_content_encoding');
        expect(await counts()).to.deep.equal(before);
      });

      it('answers an unsupported Content-Encoding with 415, and still takes real gzip', async () => {
        for (const encoding of ['compress', 'x-made-up', 'gzip, br']) {
          const headers = { ...JSON_TYPE, 'content-encoding': encoding };
          expectError(await server.request('POST', hookPath, { raw: '{}', headers }), 415, 'unsupported_media_type');
          expectError(await server.request('POST', '/api/auth/login', { raw: '{}', headers }), 415, 'unsupported_media_type');
        }
        const real = await server.request('POST', hookPath, { raw: gzipSync('{"a":1}'), headers: { ...JSON_TYPE, 'content-encoding': 'gzip' } });
        expect(real.status).to.equal(202);
      });
    });

    describe('webhook methods', () => {
      it('answers TRACE, HEAD and other methods 405 with Allow, starting and storing nothing', async () => {
        const before = await counts();
        for (const method of ['TRACE', 'HEAD', 'PROPFIND', 'SEARCH']) {
          const res = await rawRequest(server.url, method, hookPath);
          expect(res.status, method).to.equal(405);
          expect(res.headers.allow, method).to.equal('GET, POST, PUT, PATCH, DELETE');
          if (method !== 'HEAD') expect(JSON.parse(res.text).error.code).to.equal('method_not_allowed');
        }
        expect(await counts()).to.deep.equal(before);
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) expect((await server.request(method, hookPath)).status, method).to.equal(202);
      });

      it('limits a hook to its configured methods', async () => {
        const flow = await createFlow(ws, { nodes: [{ id: 'hook', type: 'trigger.webhook', config: { methods: ['POST', 'PUT'] } }] });
        await activate(ws, flow.id);
        const path = new URL(flow.triggers[0].url!).pathname;
        const before = await counts();
        for (const method of ['TRACE', 'GET', 'DELETE']) {
          const res = await rawRequest(server.url, method, path);
          expect(res.status, method).to.equal(405);
          expect(res.headers.allow).to.equal('POST, PUT');
        }
        expect(await counts()).to.deep.equal(before);
        const refused = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
          token: ws.token,
          body: { name: 'x', graph: { nodes: [{ id: 'hook', type: 'trigger.webhook', config: { methods: ['TRACE'] } }] } },
        });
        expect(refused.status).to.equal(400);
      });
    });

    describe('logs', () => {
      it('masks webhook tokens however the path is written, and logs only allow-listed headers', async () => {
        const token = hookPath.split('/').pop()!;
        const secrets: Record<string, string> = {
          'x-gitlab-token': 'gitlab-secret-0001',
          'x-webhook-secret': 'webhook-secret-0002',
          'x-hub-signature': 'sha1=hub-secret-0003',
          'x-hub-signature-256': 'sha256=hub-secret-0004',
          'x-shopify-hmac-sha256': 'shopify-secret-0005',
          'x-api-key': 'api-key-secret-0006',
          cookie: 'session=cookie-secret-0007',
          'proxy-authorization': 'Basic proxy-secret-0008',
        };
        const upper = await server.request('POST', `/WEBHOOKS/${token}`, { body: { a: 1 }, headers: { ...secrets, 'user-agent': 'hostile-test/1.0' } });
        expect(upper.status).to.equal(202);
        await server.request('POST', `/Webhooks/${token}/?x=1`, { body: {} });
        await rawRequest(server.url, 'POST', `${server.url}/webhooks/${token}`); // absolute-form request target
        await new Promise((r) => setTimeout(r, 50));
        const logs = server.logs.join('');
        expect(logs).to.not.include(token);
        for (const value of Object.values(secrets)) expect(logs).to.not.include(value);
        expect(logs).to.include('hostile-test/1.0');
        expect(logs).to.include('/WEBHOOKS/[Redacted]');
        // The inbox keeps the URL masked too.
        const stored = await server.app.models.WebhookEvent.findAll();
        expect(stored.length).to.be.greaterThan(2);
        for (const event of stored) expect(String(event.request.url)).to.not.include(token);
      });
    });

    describe('afterwards', () => {
      it('still answers /health: nothing sent above hurt the process', async () => {
        expect((await server.request('GET', '/health')).status).to.equal(200);
      });
    });
  });
}

describe('/metrics with METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789abcdef';
  let server: TestServer;
  before(async () => (server = await startServer(databaseKinds[0], { METRICS_TOKEN: token })));
  after(async () => server?.close());

  it('answers 401 in the error format without the token or with a wrong one', async () => {
    for (const authorization of [undefined, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, 'Bearer ']) {
      const res = await server.request('GET', '/metrics', { headers: authorization ? { authorization } : {} });
      expectError(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
      expect(res.text).to.not.include('http_requests_total');
    }
  });

  it('answers the metrics with the token', async () => {
    const res = await server.request('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    expect(res.text).to.include('http_requests_total');
  });

  it('refuses a short token at start, naming the variable', () => {
    expect(() => loadConfig({ DATA_DIR: server.app.config.dataDir, ENCRYPTION_KEY: 'a'.repeat(64), METRICS_TOKEN: 'short' }, () => undefined)).to.throw(/METRICS_TOKEN/);
  });
});

describe('DATA_DIR is private to its owner', () => {
  let root: string;
  before(() => (root = mkdtempSync(join(tmpdir(), 'switchboard-modes-'))));
  after(() => rmSync(root, { recursive: true, force: true }));

  const mode = (path: string) => statSync(path).mode & 0o777;

  it('creates the folder 0700 and the key, database, -wal and -shm files 0600', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const server = await startServer(databaseKinds[0], { DATA_DIR: dataDir, ENCRYPTION_KEY: '' });
    try {
      const agency = await registerAgency(server);
      await createSubaccount(server, agency.token);
      expect(mode(dataDir)).to.equal(0o700);
      for (const file of ['encryption.key', 'switchboard.sqlite', 'switchboard.sqlite-wal', 'switchboard.sqlite-shm']) {
        expect(mode(join(dataDir, file)), file).to.equal(0o600);
      }
    } finally {
      await server.close();
    }
  });

  it('tightens an existing world-readable folder and its files at start', async () => {
    const dataDir = join(root, 'old');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const sqlite = join(dataDir, 'switchboard.sqlite');
    writeFileSync(sqlite, '');
    writeFileSync(join(dataDir, 'encryption.key'), 'b'.repeat(64));
    writeFileSync(join(dataDir, 'notes.txt'), 'left by an older version');
    for (const file of ['switchboard.sqlite', 'encryption.key', 'notes.txt']) chmodSync(join(dataDir, file), 0o644);
    const server = await startServer(databaseKinds[0], { DATA_DIR: dataDir, ENCRYPTION_KEY: '' });
    try {
      await registerAgency(server);
      expect(mode(dataDir)).to.equal(0o700);
      for (const file of ['switchboard.sqlite', 'switchboard.sqlite-wal', 'encryption.key', 'notes.txt']) expect(mode(join(dataDir, file)), file).to.equal(0o600);
    } finally {
      await server.close();
    }
  });
});
