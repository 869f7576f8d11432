import type { Logger } from 'pino';
import { nodeRegistry } from '../nodes/registry.js';
import type { Config } from './config.js';
import { createSequelize } from './db/database.js';
import { migrate } from './db/migrate.js';
import { defineModels } from './db/models/index.js';
import { createLogger } from './lib/logger.js';
import { startRuntime, type RuntimeTuning } from './runtime/services.js';

/** A queue-mode worker: takes executions from BullMQ, runs them, sweeps abandoned ones, fires schedules. */
export async function startWorker(config: Config, options: { logger?: Logger; tuning?: RuntimeTuning } = {}) {
  if (config.executionMode !== 'queue') throw new Error('a worker needs EXECUTION_MODE=queue and REDIS_URL');
  const logger = options.logger ?? createLogger(config.logLevel);
  const sequelize = createSequelize(config);
  await migrate(sequelize);
  const models = defineModels(sequelize);
  const services = await startRuntime(config, { models, registry: await nodeRegistry(), logger }, 'worker', options.tuning);
  return {
    logger,
    services,
    async close() {
      await services.close();
      await sequelize.close();
    },
  };
}
