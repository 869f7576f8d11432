import { expect } from 'chai';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { activate, createFlow, type Workspace } from '../helpers/flows.js';
import { spawnCli } from '../helpers/process.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency } from '../helpers/story.js';
import { keyId, seal, unseal, type Sealed } from '../../server/integrations/crypto.js';

const sign = (secret: string, body: string) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

for (const kind of databaseKinds) {
  describe(`rotate-key (${kind.name})`, function () {
    this.timeout(120_000);
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    let dataDir: string;
    let database: TestDatabase;
    let storage: Record<string, string>;
    const ids: { integrations: string[]; flow: string; hook: string; sid: string; email: string; password: string } = { integrations: [], flow: '', hook: '', sid: '', email: '', password: '' };

    const cli = async (args: string[], key: Buffer) => {
      const run = spawnCli(args, { ...storage, ENCRYPTION_KEY: key.toString('hex'), LOG_LEVEL: 'warn' });
      const { code } = await run.exited;
      return { code, output: run.output().trim() };
    };
    // As a second process of one installation: on this test's own storage, which closing leaves in place.
    const serve = (key: Buffer) =>
      startServer(kind, { ENCRYPTION_KEY: key.toString('hex') }, { app: { config: { databaseUrl: database.url ?? null, dataDir, encryptionKey: key } } } as unknown as TestServer);

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'sb-rotate-'));
      database = await kind.create();
      storage = { DATA_DIR: dataDir, ...(database.url ? { DATABASE_URL: database.url } : {}) };
      // Secrets stored under the old key: two integrations and a webhook trigger's inline secret.
      const server = await serve(oldKey);
      try {
        const agency = await registerAgency(server);
        Object.assign(ids, { email: agency.email, password: agency.password, sid: await createSubaccount(server, agency.token) });
        const ws: Workspace = { server, token: agency.token, sid: ids.sid };
        for (const secret of ['first-signing-secret', 'second-signing-secret']) {
          const res = await server.request('POST', `/api/subaccounts/${ids.sid}/integrations`, { token: agency.token, body: { template: 'webhook-secret', name: secret, config: { secret } } });
          ids.integrations.push(res.body.id);
        }
        const flow = await createFlow(ws, { nodes: [{ id: 'hook', type: 'trigger.webhook', config: { signature: { secret: 'inline-node-secret', header: 'X-Signature', prefix: 'sha256=' } } }] });
        await activate(ws, flow.id);
        Object.assign(ids, { flow: flow.id, hook: new URL(flow.triggers[0].url!).pathname });
      } finally {
        await server.close();
      }
    });
    after(async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses a missing, malformed or unchanged key in one line, and a wrong old key without changing anything', async () => {
      expect(await cli(['rotate-key'], newKey)).to.deep.include({ code: 1 });
      const malformed = await cli(['rotate-key', '--old-key', 'not-a-key'], newKey);
      expect(malformed.code).to.equal(1);
      expect(malformed.output).to.equal('--old-key: must be 32 bytes, written as 64 hex characters or base64');
      expect((await cli(['rotate-key', '--old-key', newKey.toString('hex')], newKey)).output).to.include('same key as ENCRYPTION_KEY');
      const wrong = await cli(['rotate-key', '--old-key', randomBytes(32).toString('base64')], newKey);
      expect(wrong.code).to.equal(1);
      expect(wrong.output).to.include('re-encrypted: 0 integrations, 0 flow versions, 0 triggers');
      expect(wrong.output).to.include(`sealed with neither key`).and.include(keyId(oldKey));
    });

    it('finishes a rotation that stopped half-way, and a second run finds nothing to do', async () => {
      // A run that died after its first row: that integration is already under the new key.
      const server = await serve(oldKey);
      try {
        const row = (await server.app.models.Integration.findByPk(ids.integrations[0]))!;
        await row.update({ secrets: seal(unseal(row.secrets as unknown as Sealed, oldKey), newKey) as unknown as Record<string, unknown> });
      } finally {
        await server.close();
      }
      const first = await cli(['rotate-key', '--old-key', oldKey.toString('hex')], newKey);
      expect(first.code, first.output).to.equal(0);
      expect(first.output).to.include('re-encrypted: 1 integrations, 1 flow versions, 1 triggers; 1 values were already under the new key');
      const second = await cli(['rotate-key', '--old-key', oldKey.toString('base64')], newKey);
      expect(second.code, second.output).to.equal(0);
      expect(second.output).to.include('re-encrypted: 0 integrations, 0 flow versions, 0 triggers; 4 values were already under the new key');
    });

    it('leaves every secret readable under the new key only', async () => {
      const server: TestServer = await serve(newKey);
      try {
        const rows = await server.app.models.Integration.findAll();
        for (const row of rows) expect((row.secrets as unknown as Sealed).kid).to.equal(keyId(newKey));
        expect(JSON.stringify((await server.app.models.FlowVersion.findAll()).map((v) => v.graph))).to.not.include(keyId(oldKey));
        const login = await server.request('POST', '/api/auth/login', { body: { email: ids.email, password: ids.password } });
        const token = login.body.token;
        for (const id of ids.integrations) {
          const test = await server.request('POST', `/api/subaccounts/${ids.sid}/integrations/${id}/test`, { token });
          expect(test.body.ok, test.body.message).to.equal(true);
        }
        const body = JSON.stringify({ hello: 'rotated' });
        const post = (secret: string) => server.request('POST', ids.hook, { raw: body, headers: { 'content-type': 'application/json', 'x-signature': sign(secret, body) } });
        expect((await post('inline-node-secret')).status, 'the inline secret unseals under the new key').to.equal(202);
        expect((await post('something-else')).status).to.equal(401);
        const flow = await server.request('GET', `/api/subaccounts/${ids.sid}/flows/${ids.flow}`, { token });
        expect(flow.body.graph.nodes[0].config.signature.secret).to.equal('********');
      } finally {
        await server.close();
      }
    });
  });
}
