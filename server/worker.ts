import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { nodeRegistry } from '../nodes/registry.js';
import { operationsApp, type HealthProbes } from './api/operations.js';
import { ConfigError, DEFAULT_WORKER_PORT, type Config } from './config.js';
import { createSequelize } from './db/database.js';
import { migrate } from './db/migrate.js';
import { defineModels } from './db/models/index.js';
import { createLogger } from './lib/logger.js';
import { createMetrics } from './lib/metrics.js';
import { registerQueueDepth, stepDurations } from './runtime/metrics.js';
import { startRuntime, type RuntimeTuning } from './runtime/services.js';
import { stopListening } from './lib/stop-listening.js';
import { createBilling } from './billing/billing.js';

function listenOn(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
    });
  });
}

/**
 * WORKER_PORT on HOST. Left unset, the default port is a convenience: a second worker on the same machine
 * takes a free port (logged) rather than failing to start. A port that was asked for and is taken stops the start.
 */
async function listen(server: Server, config: Config, logger: Logger): Promise<string> {
  try {
    return await listenOn(server, config.host, config.workerPort ?? DEFAULT_WORKER_PORT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (config.workerPort !== null) throw new ConfigError('WORKER_PORT', `port ${config.workerPort} on ${config.host} is in use (0 picks a free port)`);
    const url = await listenOn(server, config.host, 0);
    logger.warn({ url }, `port ${DEFAULT_WORKER_PORT} is in use (another worker on this machine?): /health and /metrics are on ${url}; set WORKER_PORT to choose`);
    return url;
  }
}

/**
 * A queue-mode worker: takes executions from BullMQ, runs them, sweeps abandoned ones, fires schedules,
 * and serves `/health` and `/metrics` on WORKER_PORT.
 */
export async function startWorker(config: Config, options: { logger?: Logger; tuning?: RuntimeTuning } = {}) {
  if (config.executionMode !== 'queue') throw new Error('a worker needs EXECUTION_MODE=queue and REDIS_URL');
  const logger = options.logger ?? createLogger(config.logLevel);
  const sequelize = createSequelize(config);
  await migrate(sequelize);
  const models = defineModels(sequelize);
  const metrics = createMetrics();
  const services = await startRuntime(config, { models, registry: await nodeRegistry(), logger, observeStep: stepDurations(metrics) }, 'worker', options.tuning);
  // Stored executions by status are counted by web processes: the same rows, not scanned again per worker.
  registerQueueDepth(metrics, services.dispatcher);
  // Schedules fired here count against plans too, and held executions are released from here as well.
  const billing = createBilling(config, { models, runtime: services.runtime, logger, redis: services.redis });
  if (billing) services.runtime.gate = billing.gate;
  billing?.start();
  const probes: HealthProbes = { redis: () => services.redis!.ping(), queue: () => services.dispatcher.depth() };
  const server = createServer(operationsApp(sequelize, metrics, () => probes, { metricsToken: config.metricsToken, logger }));
  server.keepAliveTimeout = 5_000;
  async function close(): Promise<void> {
    await stopListening(server);
    await billing?.stop();
    await services.close();
    await sequelize.close();
  }
  let url: string;
  try {
    url = await listen(server, config, logger);
  } catch (err) {
    await close();
    throw err;
  }
  return { logger, services, metrics, url, close };
}
