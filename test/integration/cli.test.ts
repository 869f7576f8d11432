import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
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
});
