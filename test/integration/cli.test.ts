import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { send } from '../helpers/server.js';
import { spawnCli } from '../helpers/process.js';

const baseEnv = () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-cli-')), ENCRYPTION_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'info' });

describe('command line', function () {
  this.timeout(60_000);

  for (const [variable, value, expected] of [
    ['DATABASE_URL', 'postgres//nope', 'Configuration error: DATABASE_URL: is not a valid URL'],
    ['ENCRYPTION_KEY', 'too-short', 'Configuration error: ENCRYPTION_KEY: must be 32 bytes'],
    ['EXECUTION_MODE', 'queue', 'Configuration error: EXECUTION_MODE: "queue" needs REDIS_URL'],
  ]) {
    it(`stops with one clear line for a bad ${variable}`, async () => {
      const run = spawnCli(['start'], { ...baseEnv(), [variable]: value });
      const { code } = await run.exited;
      expect(code).to.equal(1);
      const lines = run.output().trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include(expected);
    });
  }

  it('migrates, creates a user who can sign in, and shuts down gracefully on SIGTERM', async () => {
    const env = { ...baseEnv(), PORT: '0' };
    const migrate = spawnCli(['migrate'], env);
    expect((await migrate.exited).code).to.equal(0);
    const create = spawnCli(['create-user', '--email', 'boss@example.com', '--password', 'long enough', '--agency', 'CLI Agency'], env);
    expect((await create.exited).code, create.output()).to.equal(0);
    // Another spelling of the same address (case, padding, a no-break space) is the same account.
    const dup = spawnCli(['create-user', '--email', ' BOSS@example.com\u00a0', '--password', 'long enough', '--agency', 'X'], env);
    expect((await dup.exited).code).to.equal(1);
    expect(dup.output()).to.include('already exists');

    const server = spawnCli(['start'], env);
    const [, url] = await server.waitFor(/Switchboard listening on (http:\/\/[\d.:]+)/);
    const login = await send(url, 'POST', '/api/auth/login', { body: { email: 'boss@example.com', password: 'long enough' } });
    expect(login.status).to.equal(200);
    // A request in flight when SIGTERM arrives is still answered: a run that waits for a 1 s delay.
    const token = login.body.token;
    const sid = (await send(url, 'POST', '/api/subaccounts', { token, body: { name: 'S' } })).body.id;
    const graph = {
      nodes: [
        { id: 't', type: 'trigger.manual' },
        { id: 'pause', type: 'logic.delay', config: { amount: 1, unit: 'seconds' } },
      ],
      edges: [{ source: 't', target: 'pause' }],
    };
    const flow = (await send(url, 'POST', `/api/subaccounts/${sid}/flows`, { token, body: { name: 'F', graph } })).body;
    const inFlight = send(url, 'POST', `/api/subaccounts/${sid}/flows/${flow.id}/run?wait=true`, { token, body: {} });
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).to.equal(200);
    expect(answer.body.status).to.equal('succeeded');
    const { code } = await server.exited;
    expect(code).to.equal(0);
    expect(server.output()).to.include('"msg":"stopped"');
  });

  it('exports every flow to a folder and imports them into another sub-account, reporting a bad file and importing the rest', async () => {
    const env = { ...baseEnv(), PORT: '0' };
    expect((await spawnCli(['create-user', '--email', 'ops@example.com', '--password', 'long enough', '--agency', 'Ops'], env).exited).code).to.equal(0);
    // A failed assertion must not leave a server running: every server started here is killed at the end.
    const started: Array<ReturnType<typeof spawnCli>> = [];
    const startServer = async () => {
      const server = spawnCli(['start'], env);
      started.push(server);
      const [, url] = await server.waitFor(/Switchboard listening on (http:\/\/[\d.:]+)/);
      const token = (await send(url, 'POST', '/api/auth/login', { body: { email: 'ops@example.com', password: 'long enough' } })).body.token as string;
      return { server, url, token };
    };
    const stopServer = async (server: ReturnType<typeof spawnCli>) => {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).to.equal(0);
    };

    try {
      let { server, url, token } = await startServer();
      const from = (await send(url, 'POST', '/api/subaccounts', { token, body: { name: 'From' } })).body.id as string;
      const to = (await send(url, 'POST', '/api/subaccounts', { token, body: { name: 'To' } })).body.id as string;
      const documents = [
        {
          name: 'Lead intake',
          description: 'Shapes a lead',
          graph: {
            nodes: [
              { id: 'hook', type: 'trigger.webhook' },
              { id: 'shape', type: 'logic.set', config: { value: { email: '{{ $json.body.email }}' } } },
            ],
            edges: [{ source: 'hook', target: 'shape' }],
          },
          notes: [{ id: 'n1', text: 'Leads land here', position: { x: 0, y: -120 }, size: { width: 200, height: 100 }, color: 'blue' }],
        },
        { name: 'Nightly', graph: { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'pause', type: 'logic.delay', config: { amount: 1, unit: 'seconds' } }], edges: [{ source: 't', target: 'pause' }] } },
      ];
      const exportedByApi = new Map<string, unknown>();
      for (const doc of documents) {
        const created = await send(url, 'POST', `/api/subaccounts/${from}/flows`, { token, body: doc });
        expect(created.status, created.text).to.equal(201);
        exportedByApi.set(created.body.id, (await send(url, 'GET', `/api/subaccounts/${from}/flows/${created.body.id}/export`, { token })).body);
      }
      await stopServer(server);

      const dir = mkdtempSync(join(tmpdir(), 'sb-flows-'));
      const exported = spawnCli(['export-flows', dir], env);
      expect((await exported.exited).code, exported.output()).to.equal(0);
      expect(exported.output()).to.match(/exported \d+ flows of \d+ sub-accounts/);
      expect(readdirSync(dir)).to.include(from);
      expect(readdirSync(join(dir, from)).sort()).to.deep.equal([...exportedByApi.keys()].map((id) => `${id}.json`).sort());
      for (const [id, doc] of exportedByApi) expect(JSON.parse(readFileSync(join(dir, from, `${id}.json`), 'utf8'))).to.deep.equal(doc, 'the same document as the API export');

      writeFileSync(join(dir, from, 'zz-broken.json'), JSON.stringify({ name: 'Broken', graph: { nodes: [{ id: 'x', type: 'no.such' }], edges: [] } }));
      const imported = spawnCli(['import-flows', join(dir, from), '--subaccount', to], env);
      expect((await imported.exited).code).to.equal(1);
      expect(imported.output()).to.match(/not imported [^ ]*zz-broken\.json: .*no\.such/);
      expect(imported.output()).to.include('1 of 3 files were not imported; the others were');

      const byFolder = spawnCli(['import-flows', dir], env);
      expect((await byFolder.exited).code).to.equal(1, 'the broken file still fails');
      expect(byFolder.output()).to.match(new RegExp(`imported ${from}/[^ ]+\\.json as flow`));

      ({ server, url, token } = await startServer());
      try {
        const listed = (await send(url, 'GET', `/api/subaccounts/${to}/flows`, { token })).body.items as Array<{ id: string; name: string; active: boolean }>;
        expect(listed.map((f) => f.name).sort()).to.deep.equal(['Lead intake', 'Nightly']);
        expect(listed.every((f) => !f.active)).to.equal(true);
        for (const flow of listed) {
          const doc = (await send(url, 'GET', `/api/subaccounts/${to}/flows/${flow.id}/export`, { token })).body;
          expect([...exportedByApi.values()]).to.deep.include(doc);
        }
        const again = (await send(url, 'GET', `/api/subaccounts/${from}/flows`, { token })).body.items as unknown[];
        expect(again).to.have.length(4, 'the import without --subaccount went into the folder’s sub-account');
      } finally {
        await stopServer(server);
      }
    } finally {
      for (const server of started) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }
  });
});
