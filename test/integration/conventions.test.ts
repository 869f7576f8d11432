import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency } from '../helpers/story.js';

for (const kind of databaseKinds) {
  describe(`API conventions and operations (${kind.name})`, function () {
    let server: TestServer;
    before(async () => (server = await startServer(kind)));
    after(async () => server?.close());

    it('answers malformed JSON with 400 invalid_json', async () => {
      const res = await server.request('POST', '/api/auth/login', { raw: '{"email": "a@b.c",', headers: { 'content-type': 'application/json' } });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_json');
    });

    it('answers a 2 MiB body with 413', async () => {
      const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) });
      const res = await server.request('POST', '/api/auth/login', { raw: big, headers: { 'content-type': 'application/json' } });
      expect(res.status).to.equal(413);
      expect(res.body.error.code).to.equal('payload_too_large');
    });

    it('answers a body that is not JSON with 415', async () => {
      const res = await server.request('POST', '/api/auth/login', { raw: 'email=a@b.c', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_media_type');
    });

    it('answers wrong-typed JSON (an array, a string) with a validation error', async () => {
      const arr = await server.request('POST', '/api/auth/login', { body: [1, 2] });
      expect(arr.status).to.equal(400);
      const str = await server.request('POST', '/api/auth/login', { body: 'hello' });
      expect(str.status).to.equal(400);
      expect(str.body.error.details[0].path).to.equal('/');
    });

    it('answers an unknown /api route with a JSON 404', async () => {
      const res = await server.request('GET', '/api/does-not-exist');
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('route_not_found');
    });

    it('serves an OpenAPI 3.1 document built from the validation schemas', async () => {
      const res = await server.request('GET', '/api/openapi.json');
      expect(res.status).to.equal(200);
      expect(res.body.openapi).to.equal('3.1.0');
      const register = res.body.paths['/api/auth/register'].post;
      expect(register.requestBody.content['application/json'].schema.required).to.deep.equal(['email', 'password', 'agencyName']);
      expect(res.body.paths['/api/subaccounts/{sid}/api-keys'].post).to.be.an('object');
    });

    it('sets security headers, a request id and CORS only for PUBLIC_URL', async () => {
      const res = await server.request('GET', '/health', { headers: { origin: 'https://evil.example', 'x-request-id': 'trace-123' } });
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('x-request-id')).to.equal('trace-123');
      expect(res.headers.get('access-control-allow-origin')).to.not.equal('https://evil.example');
    });

    it('serves the placeholder page at /', async () => {
      const res = await server.request('GET', '/');
      expect(res.status).to.equal(200);
      expect(res.text).to.include('Switchboard');
    });

    it('counts requests by route in /metrics', async () => {
      const agency = await registerAgency(server);
      await createSubaccount(server, agency.token);
      const res = await server.request('GET', '/metrics');
      expect(res.status).to.equal(200);
      expect(res.text).to.match(/http_requests_total\{method="POST",route="\/api\/subaccounts",status_code="201"\} \d+/);
      expect(res.text).to.include('http_request_duration_seconds_bucket');
    });

    it('never logs passwords, tokens or API keys', async () => {
      const agency = await registerAgency(server);
      const sid = await createSubaccount(server, agency.token);
      const key = (await server.request('POST', `/api/subaccounts/${sid}/api-keys`, { token: agency.token, body: { name: 'k' } })).body.key;
      await server.request('GET', `/api/subaccounts/${sid}`, { token: key });
      await server.request('POST', '/api/auth/login', { body: { email: agency.email, password: agency.password } });
      server.app.logger.info({ password: agency.password, token: agency.token, user: { password: agency.password } }, 'careless log line');
      await new Promise((r) => setTimeout(r, 50));
      const logs = server.logs.join('');
      expect(logs).to.include('careless log line');
      expect(logs).to.include('[Redacted]');
      for (const secret of [agency.password, agency.token, key]) expect(logs).to.not.include(secret);
    });

    it('still answers /health after every bad input, and 503 when the database is gone', async () => {
      const ok = await server.request('GET', '/health');
      expect(ok.status).to.equal(200);
      expect(ok.body).to.deep.equal({ status: 'ok', checks: { database: 'ok' } });
    });
  });
}

describe('health when the database fails', () => {
  it('answers 503 naming the database check', async () => {
    const server = await startServer(databaseKinds[0]);
    try {
      await server.app.sequelize.close();
      const res = await server.request('GET', '/health');
      expect(res.status).to.equal(503);
      expect(res.body.status).to.equal('error');
      expect(res.body.checks.database).to.match(/^error/);
    } finally {
      await server.app.server.close();
    }
  });
});
