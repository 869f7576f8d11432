import { expect } from 'chai';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import { QUEUE_NAME } from '../../server/runtime/dispatch.js';
import { startWorker } from '../../server/worker.js';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, type Workspace, workspace } from '../helpers/flows.js';
import { sample } from '../helpers/metrics.js';
import { spawnCli, type Spawned } from '../helpers/process.js';
import { QUEUE_REDIS_URL, startQueueDeployment, workerConfig, type QueueDeployment } from '../helpers/queue.js';
import { vipFlow } from '../helpers/runs.js';
import { send } from '../helpers/server.js';

const METRICS_TOKEN = 'worker-metrics-token-0123456789';

/** Log lines collected in memory, for a worker started in this process. */
function memoryLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

for (const kind of databaseKinds) {
  describe(`queue worker process: /health, /metrics and shutdown (${kind.name})`, function () {
    this.timeout(90_000);
    let deployment: QueueDeployment;
    let ws: Workspace;
    let worker: Spawned;
    let url: string;

    before(async () => {
      deployment = await startQueueDeployment(kind, 0);
      const { server } = deployment;
      ws = await workspace(server);
      const web = server.app.config;
      // `npm run worker` on another machine: its own process, the web process's storage, Redis and key.
      worker = spawnCli(['worker'], {
        DATA_DIR: web.dataDir,
        ...(web.databaseUrl ? { DATABASE_URL: web.databaseUrl } : {}),
        REDIS_URL: web.redisUrl!,
        EXECUTION_MODE: 'queue',
        ENCRYPTION_KEY: web.encryptionKey.toString('hex'),
        WORKER_PORT: '0',
        METRICS_TOKEN,
        LOG_LEVEL: 'info',
      });
      url = (await worker.waitFor(/worker started; \/health and \/metrics on (http:\/\/[\d.:]+)/, 60_000))[1];
    });
    after(async () => {
      if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await deployment?.close();
    });

    it('answers /health with the web process\'s shape: database, redis and queue', async () => {
      const health = await send(url, 'GET', '/health');
      expect(health.status).to.equal(200);
      expect(health.body).to.deep.equal({ status: 'ok', checks: { database: 'ok', redis: 'ok', queue: 'ok' } });
      const web = await deployment.server.request('GET', '/health');
      expect(Object.keys(health.body.checks).sort()).to.deep.equal(Object.keys(web.body.checks).sort());
      const unknown = await send(url, 'GET', '/api/subaccounts');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('route_not_found');
    });

    it('guards /metrics with METRICS_TOKEN and shows the steps it ran, by node type', async () => {
      for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}x`]) {
        const refused = await send(url, 'GET', '/metrics', { headers: authorization ? { authorization } : {} });
        expect(refused.status).to.equal(401);
        expect(refused.body.error.code).to.equal('unauthorized');
        expect(refused.headers.get('www-authenticate')).to.match(/^Bearer/);
      }
      const flow = await createFlow(ws, vipFlow(), 'Greet VIPs on the worker');
      expect((await runAndWait(ws, flow.id, { vip: true, name: 'Ada' })).status).to.equal('succeeded');
      const metrics = await send(url, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(metrics.status).to.equal(200);
      const steps = (type: string) => sample(metrics.text, 'switchboard_step_duration_seconds_count', { node_type: type, status: 'succeeded' });
      expect([steps('trigger.manual'), steps('logic.condition'), steps('logic.set')]).to.deep.equal([1, 1, 2]);
      expect(sample(metrics.text, 'switchboard_queue_depth')).to.equal(0);
      expect(metrics.text).to.include('process_cpu_seconds_total');
      // The web process ran none of it: it only enqueued.
      const web = (await deployment.server.request('GET', '/metrics')).text;
      expect(sample(web, 'switchboard_step_duration_seconds_count', { node_type: 'logic.set' })).to.equal(undefined);
    });

    it('stops on SIGTERM while idle: exit 0, nothing failed, no closed connection used', async () => {
      worker.child.kill('SIGTERM');
      const exit = await worker.exited;
      const output = worker.output();
      expect(exit, output).to.deep.equal({ code: 0, signal: null });
      expect(output).to.include('"msg":"stopped"');
      expect(output).to.not.match(/failed|Connection is closed|"level":50/i);
      expect((await send(url, 'GET', '/health').catch((err: Error) => err)) instanceof Error).to.equal(true);
    });

    it('waits for a recovery sweep in flight before closing the connections it uses', async () => {
      // A backlog the sweeper dispatches on every tick without any worker taking it: the queue is paused.
      const redis = new Redis(QUEUE_REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue(QUEUE_NAME, { connection: redis });
      try {
        await queue.pause();
        const { server } = deployment;
        const flow = await createFlow(ws, vipFlow(), 'Backlog');
        for (let i = 0; i < 300; i++) await server.app.runtime.create({ flow: { id: flow.id, subaccountId: ws.sid, version: 1 }, triggerNodeId: 'start', triggerType: 'manual', input: {} });
        await server.app.sequelize.query('UPDATE executions SET "updatedAt" = :old WHERE status = \'queued\'', { replacements: { old: new Date(Date.now() - 60_000) } });
        for (let round = 0; round < 3; round++) {
          const { lines, logger } = memoryLogger();
          const running = await startWorker(workerConfig(server.app.config), { logger, tuning: { sweepMs: 5 } });
          await new Promise((r) => setTimeout(r, 200 + round * 100));
          await running.close();
          await new Promise((r) => setTimeout(r, 100));
          expect(lines.join(''), `round ${round}`).to.not.match(/failed|Connection is closed/i);
        }
      } finally {
        await queue.obliterate({ force: true });
        await queue.close();
        redis.disconnect();
      }
    });
  });
}

describe('WORKER_PORT', function () {
  this.timeout(60_000);

  it('is unset by default (3001, or a free port when another worker holds it); 0 is any port; out of range names it', () => {
    const env = { DATA_DIR: '/tmp/sb-worker-port', ENCRYPTION_KEY: 'a'.repeat(64) };
    expect(loadConfig(env, () => undefined).workerPort).to.equal(null);
    expect(loadConfig({ ...env, WORKER_PORT: '0' }, () => undefined).workerPort).to.equal(0);
    expect(loadConfig({ ...env, WORKER_PORT: '9464' }, () => undefined).workerPort).to.equal(9464);
    expect(() => loadConfig({ ...env, WORKER_PORT: '70000' }, () => undefined)).to.throw(ConfigError, /WORKER_PORT/);
  });

  it('left unset, a second worker on the machine takes a free port; a port asked for and taken stops the start', async () => {
    const deployment = await startQueueDeployment(databaseKinds[0], 0);
    const started: Awaited<ReturnType<typeof startWorker>>[] = [];
    try {
      const unset = { ...workerConfig(deployment.server.app.config), workerPort: null };
      const first = memoryLogger();
      started.push(await startWorker(unset, { logger: first.logger }));
      const second = memoryLogger();
      started.push(await startWorker(unset, { logger: second.logger }));
      expect(started[0].url).to.not.equal(started[1].url);
      // 3001 is held by the first worker (or by something else on this machine): the second moved.
      expect(new URL(started[1].url).port).to.not.equal('3001');
      expect(second.lines.join('')).to.include('port 3001 is in use');
      expect((await send(started[1].url, 'GET', '/health')).status).to.equal(200);
      const taken = Number(new URL(started[1].url).port);
      const error = await startWorker({ ...unset, workerPort: taken }, { logger: memoryLogger().logger }).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).variable).to.equal('WORKER_PORT');
    } finally {
      await Promise.all(started.map((w) => w.close()));
      await deployment.close();
    }
  });
});
