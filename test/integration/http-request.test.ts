import { expect } from 'chai';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { databaseKinds } from '../helpers/databases.js';
import { type Workspace, workspace } from '../helpers/flows.js';
import { callHttpRequest as call } from '../helpers/http-request.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { json, startTarget, type Target } from '../helpers/target.js';
import { fetchFollowingRedirects } from '../../nodes/lib/outbound.js';
import { guardedAgent, refusalReason } from '../../nodes/lib/ssrf.js';

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Records what arrives at `path` (method, headers, body), then answers with `answer`. */
function record(target: Target, path: string, answer: (res: ServerResponse, seen: Seen) => void = (res) => json(res, 200, { landed: path })): Seen[] {
  const seen: Seen[] = [];
  target.route(path, (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(entry);
      answer(res, entry);
    });
  });
  return seen;
}

const redirect = (target: Target, path: string, status: number, location: string) =>
  target.route(path, (_req, res) => res.writeHead(status, { location }).end());

const retrying = { retry: { maxAttempts: 3, backoff: { initialMs: 10, factor: 1, maxMs: 10 } } };

const kind = databaseKinds[0]!;

describe('http.request: redirects, private addresses and credentials', function () {
  let open: TestServer;
  let strict: TestServer;
  let ws: Workspace;
  let strictWs: Workspace;
  let a: Target;
  let b: Target;

  before(async () => {
    open = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
    strict = await startServer(kind);
    ws = await workspace(open);
    strictWs = await workspace(strict);
    a = await startTarget();
    b = await startTarget();
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await open?.close();
    await strict?.close();
  });

  describe('redirects', () => {
    const secretHeaders = {
      Authorization: 'Bearer top-secret-token',
      'Proxy-Authorization': 'Basic cHJveHk6c2VjcmV0',
      Cookie: 'session=abc123',
      'X-Api-Key': 'key-123',
      'X-Auth-Token': 'tok-456',
      'X-Custom': 'plain',
      Accept: 'application/json',
      'User-Agent': 'switchboard-test',
    };

    it('drops credentials and every header the user set on a redirect to another origin, except Accept and User-Agent', async () => {
      const first = record(a, '/cross', (res) => res.writeHead(302, { location: `${b.url}/landing` }).end());
      const landed = record(b, '/landing');
      const { step } = await call(ws, { url: `${a.url}/cross`, headers: secretHeaders });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.output.body).to.deep.equal({ landed: '/landing' });
      expect(first[0]!.headers).to.include({ authorization: 'Bearer top-secret-token', 'x-api-key': 'key-123' });
      expect(landed).to.have.length(1);
      expect(landed[0]!.headers).to.not.have.any.keys('authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token', 'x-custom');
      expect(landed[0]!.headers).to.include({ accept: 'application/json', 'user-agent': 'switchboard-test' });
      expect(step.logs.join('\n')).to.include('not sending the headers').and.include('authorization').and.not.include('top-secret');
    });

    it('treats localhost and 127.0.0.1 on the same port as different origins', async () => {
      const port = new URL(a.url).port;
      redirect(a, '/to-localhost', 307, `http://localhost:${port}/by-name`);
      const landed = record(a, '/by-name');
      const { step } = await call(ws, { url: `${a.url}/to-localhost`, headers: { Authorization: 'Bearer top-secret-token' } });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(landed[0]!.headers).to.not.have.property('authorization');
    });

    it('keeps the headers on a redirect within the same origin', async () => {
      redirect(a, '/same', 301, '/same-landing');
      const landed = record(a, '/same-landing');
      const { step } = await call(ws, { url: `${a.url}/same`, headers: secretHeaders });
      expect(step.status).to.equal('succeeded');
      expect(landed[0]!.headers).to.include({ authorization: 'Bearer top-secret-token', cookie: 'session=abc123', 'x-api-key': 'key-123' });
    });

    const methodRules: [status: number, sent: string, expected: string, bodyKept: boolean][] = [
      [301, 'POST', 'GET', false],
      [302, 'POST', 'GET', false],
      [303, 'POST', 'GET', false],
      [303, 'PUT', 'GET', false],
      [303, 'HEAD', 'HEAD', false],
      [302, 'PUT', 'PUT', true],
      [307, 'POST', 'POST', true],
      [308, 'PATCH', 'PATCH', true],
    ];
    for (const [status, sent, expected, bodyKept] of methodRules) {
      it(`follows a ${status} after a ${sent} with a ${expected}${bodyKept ? ' and the body' : ' without body'}`, async () => {
        const path = `/m${status}-${sent}`;
        redirect(a, path, status, `${path}-landing`);
        const landed = record(a, `${path}-landing`, (res) => json(res, 200, {}));
        const { step } = await call(ws, { method: sent, url: `${a.url}${path}`, body: { order: 42 } });
        expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
        expect(landed[0]!.method).to.equal(expected);
        if (bodyKept) {
          expect(JSON.parse(landed[0]!.body)).to.deep.equal({ order: 42 });
          expect(landed[0]!.headers['content-type']).to.equal('application/json');
        } else {
          expect(landed[0]!.body).to.equal('');
          expect(landed[0]!.headers).to.not.have.property('content-type');
        }
      });
    }

    for (const status of [307, 308]) {
      it(`does not resend a body to another origin on a ${status}, and does not retry`, async () => {
        redirect(a, `/post-away-${status}`, status, `${b.url}/elsewhere-${status}`);
        const { step } = await call(ws, { method: 'POST', url: `${a.url}/post-away-${status}`, body: { password: 'hunter2' }, headers: { Authorization: 'Bearer x' } }, retrying);
        expect(step.status).to.equal('failed');
        expect(step.error).to.include({ code: 'cross_origin_redirect', retryable: false });
        expect(step.error!.message).to.include(new URL(b.url).host);
        expect(step.attempt).to.equal(1);
        expect(b.hits.get(`/elsewhere-${status}`)).to.equal(undefined);
      });
    }

    it('gives up after 10 redirects with a clear error', async () => {
      redirect(a, '/loop', 302, '/loop');
      const { step } = await call(ws, { url: `${a.url}/loop` }, retrying);
      expect(step.error).to.include({ code: 'too_many_redirects', retryable: false });
      expect(step.error!.message).to.include('10 redirects');
      expect(a.hits.get('/loop')).to.equal(11);
    });

    it('refuses a redirect to another scheme, or to a URL with a password, without echoing it', async () => {
      redirect(a, '/to-file', 302, 'file:///etc/passwd');
      const toFile = await call(ws, { url: `${a.url}/to-file` });
      expect(toFile.step.error).to.include({ code: 'invalid_url', retryable: false });
      expect(toFile.step.error!.message).to.include('file:');

      redirect(a, '/to-userinfo', 302, `http://mallory:s3cret@${new URL(b.url).host}/x`);
      const withPassword = await call(ws, { url: `${a.url}/to-userinfo` });
      expect(withPassword.step.error).to.include({ code: 'url_credentials', retryable: false });
      expect(withPassword.step.error!.message).to.include('http://***@').and.not.include('s3cret').and.not.include('mallory');
    });

    it('checks every hop: a redirect to a refused address is refused', async () => {
      // A policy that lets this test's 127.0.0.1 through, so a local server stands in for a public one.
      const refuse = (address: string) => (address === '127.0.0.1' ? null : refusalReason(address));
      const resolve = async (name: string) => [{ address: name === 'public.test' ? '127.0.0.1' : '10.0.0.7', family: 4 }];
      const dispatcher = guardedAgent({ refuse, resolve });
      const port = new URL(a.url).port;
      redirect(a, '/to-internal-name', 302, 'http://internal.test/admin');
      redirect(a, '/to-internal-ip', 307, `http://127.0.0.2:${port}/admin`);
      redirect(a, '/to-metadata', 302, 'http://169.254.169.254/latest/meta-data/');
      try {
        const send = (path: string) =>
          fetchFollowingRedirects({ url: new URL(`http://public.test:${port}${path}`), method: 'GET', headers: {}, signal: AbortSignal.timeout(5000), allowPrivateNetwork: false, dispatcher }).catch((e: Error) => e);
        const byName = await send('/to-internal-name');
        expect(byName).to.include({ name: 'NodeError', code: 'private_network' });
        expect((byName as Error).message).to.include('internal.test (resolved to 10.0.0.7)').and.include('ALLOW_PRIVATE_NETWORK');
        expect(await send('/to-internal-ip')).to.include({ name: 'NodeError', code: 'private_network' });
        expect(((await send('/to-metadata')) as Error).message).to.include('cloud metadata');
        expect(a.hits.get('/admin')).to.equal(undefined);
      } finally {
        await dispatcher.close();
      }
    });
  });

  describe('private addresses (ALLOW_PRIVATE_NETWORK unset)', () => {
    it('refuses a host name that resolves to loopback, names the address and the setting, and neither calls nor retries', async () => {
      const port = new URL(a.url).port;
      const { step } = await call(strictWs, { url: `http://localhost:${port}/by-localhost` }, retrying);
      expect(step.status).to.equal('failed');
      expect(step.error).to.include({ code: 'private_network', retryable: false });
      expect(step.error!.message).to.match(/localhost \(resolved to (127\.0\.0\.1|::1)\)/);
      expect(step.error!.message).to.include('loopback').and.include('ALLOW_PRIVATE_NETWORK=true');
      expect(step.attempt).to.equal(1);
      expect(a.hits.get('/by-localhost')).to.equal(undefined);
    });

    const port = () => new URL(a.url).port;
    const literals: [url: () => string, reason: string][] = [
      [() => `http://127.0.0.1:${port()}/literal`, 'loopback'],
      [() => `http://0x7f000001:${port()}/literal`, 'loopback'],
      [() => `http://[::ffff:127.0.0.1]:${port()}/literal`, 'IPv4-mapped'],
      [() => `http://[::127.0.0.1]:${port()}/literal`, 'IPv4-compatible'],
      [() => `http://[64:ff9b::7f00:1]:${port()}/literal`, 'NAT64'],
      [() => 'http://192.0.2.1/', 'documentation'],
      [() => 'http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
      [() => 'http://[fd00:ec2::254]/', 'cloud metadata'],
      [() => 'https://10.0.0.1/', 'private network'],
    ];
    for (const [url, reason] of literals) {
      it(`refuses an address written in the URL (${reason})`, async () => {
        const { step } = await call(strictWs, { url: url() });
        expect(step.error).to.include({ code: 'private_network', retryable: false });
        expect(step.error!.message).to.include(reason).and.include('ALLOW_PRIVATE_NETWORK');
      });
    }
  });

  describe('bad input', () => {
    it('fails a URL with a user name and password at once, without echoing the password, and points to headers', async () => {
      const host = new URL(a.url).host;
      const { step, execution } = await call(ws, { url: `http://alice:hunter2@${host}/private?token=abc` }, retrying);
      expect(step.status).to.equal('failed');
      expect(step.error).to.include({ code: 'url_credentials', retryable: false });
      expect(step.attempt).to.equal(1);
      expect(step.error!.message).to.include(`http://***@${host}/private`).and.include('header');
      for (const text of [JSON.stringify(step.error), JSON.stringify(step.logs), JSON.stringify(execution.error)]) {
        expect(text).to.not.include('hunter2').and.not.include('alice').and.not.include('token=abc');
      }
      expect(a.hits.get('/private')).to.equal(undefined);
    });

    it('refuses a header with a line break, naming the header, and headers the client cannot send, without retrying', async () => {
      const { step } = await call(ws, { url: `${a.url}/never`, headers: { 'X-Note': 'a\r\nInjected: yes' } }, retrying);
      expect(step.error).to.include({ code: 'invalid_header', retryable: false });
      expect(step.error!.message).to.include('X-Note');
      for (const headers of [{ 'Transfer-Encoding': 'chunked' }, { Upgrade: 'websocket' }, { Expect: '100-continue' }]) {
        const refused = await call(ws, { url: `${a.url}/never`, headers }, retrying);
        expect(refused.step.error, JSON.stringify(headers)).to.include({ code: 'invalid_request', retryable: false });
        expect(refused.step.attempt).to.equal(1);
      }
      expect(a.hits.get('/never')).to.equal(undefined);
    });

    it('answers a HEAD whose Content-Length is large without reading a body', async () => {
      a.route('/big-head', (_req, res) => res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) }).end());
      const { step } = await call(ws, { method: 'HEAD', url: `${a.url}/big-head` });
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.output).to.include({ status: 200, body: '' });
    });

    it('refuses an answer larger than 10 MiB instead of holding it', async () => {
      const mib = Buffer.alloc(1024 * 1024, 'x');
      a.route('/huge', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 11; i++) res.write(mib);
        res.end();
      });
      a.route('/huge-declared', (_req, res) => res.writeHead(200, { 'content-length': String(11 * 1024 * 1024) }).end());
      for (const path of ['/huge', '/huge-declared']) {
        const { step } = await call(ws, { url: `${a.url}${path}` });
        expect(step.error, path).to.include({ code: 'response_too_large', retryable: false });
      }
    });
  });
});
