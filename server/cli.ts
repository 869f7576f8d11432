import { parseArgs } from 'node:util';
import { createApp } from './app.js';
import { ConfigError, loadConfig, parseKey, type Config } from './config.js';
import { createSequelize } from './db/database.js';
import { migrate } from './db/migrate.js';
import { defineModels } from './db/models/index.js';
import { hashPassword } from './auth/passwords.js';
import { normalizeEmail } from './auth/email.js';
import { runSeeds } from './db/seed.js';
import { sealStoredNodeSecrets } from './integrations/node-secrets-store.js';
import { rotateKey } from './integrations/rotate-key.js';
import { startWorker } from './worker.js';
import { exportFlows, importFlows } from './flow-transfer.js';

const USAGE = `Usage: npm run switchboard -- <command>
  start                 run the HTTP server (default)
  worker                run executions from the queue (EXECUTION_MODE=queue)
  migrate               apply pending database migrations
  seed                  load seed data (idempotent)
  create-user --email E --password P --agency NAME [--name N]
                        create an agency with its owner
  export-flows DIR      write every flow (its current version, secrets masked) to DIR/<sub-account id>/<flow id>.json
  import-flows DIR [--subaccount ID]
                        create a flow from every DIR/<sub-account id>/*.json (or every DIR/*.json into
                        sub-account ID); each file is checked as the API's import is; a bad file is reported
  rotate-key --old-key K
                        re-encrypt every stored secret from key K (hex or base64) to ENCRYPTION_KEY;
                        stop the servers first; safe to run again after an interruption`;

async function withDatabase<T>(config: Config, work: (models: ReturnType<typeof defineModels>) => Promise<T>): Promise<T> {
  const sequelize = createSequelize(config);
  try {
    await migrate(sequelize);
    return await work(defineModels(sequelize));
  } finally {
    await sequelize.close();
  }
}

async function start(config: Config): Promise<void> {
  const app = await createApp(config);
  await runSeeds(app.models);
  const resealed = await sealStoredNodeSecrets(app.models, app.registry, config.encryptionKey);
  if (resealed) app.logger.warn({ rows: resealed }, 'sealed node secrets that were stored in clear');
  const url = await app.listen();
  app.logger.info({ url, mode: config.executionMode, database: config.databaseUrl ? 'postgres' : 'sqlite' }, `Switchboard listening on ${url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.logger.error('shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    app.close().then(
      () => {
        app.logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        app.logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function worker(config: Config): Promise<void> {
  const running = await startWorker(config);
  running.logger.info({ concurrency: config.concurrency, url: running.url }, `Switchboard worker started; /health and /metrics on ${running.url}`);
  const stop = (signal: string) => {
    running.logger.info({ signal }, 'worker shutting down: finishing running executions');
    running.close().then(
      () => {
        running.logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        running.logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function createUser(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, password: { type: 'string' }, agency: { type: 'string' }, name: { type: 'string' } },
  });
  if (!values.email || !values.password || !values.agency) throw new UsageError('create-user needs --email, --password and --agency');
  if (values.password.length < 8) throw new UsageError('--password must be at least 8 characters');
  const email = normalizeEmail(values.email);
  await withDatabase(config, async (models) => {
    if (await models.User.findOne({ where: { email } })) throw new UsageError(`a user with email ${email} already exists`);
    const agency = await models.Agency.create({ name: values.agency! });
    await models.User.create({ agencyId: agency.id, email, name: values.name ?? null, passwordHash: await hashPassword(values.password!), role: 'owner' });
    console.log(`created ${email} as owner of agency "${agency.name}" (${agency.id})`);
  });
}

async function rotate(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'old-key': { type: 'string' } } });
  if (!values['old-key']) throw new UsageError('rotate-key needs --old-key (the previous ENCRYPTION_KEY, hex or base64); the new key is ENCRYPTION_KEY');
  let oldKey: Buffer;
  try {
    oldKey = parseKey(values['old-key'], '--old-key');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (oldKey.equals(config.encryptionKey)) throw new UsageError('--old-key is the same key as ENCRYPTION_KEY: set ENCRYPTION_KEY to the new key');
  await withDatabase(config, async (models) => {
    const report = await rotateKey(models, oldKey, config.encryptionKey);
    console.log(
      `re-encrypted: ${report.integrations} integrations, ${report.flowVersions} flow versions, ${report.triggers} triggers; ` +
        `${report.alreadyRotated} values were already under the new key`,
    );
    if (report.unreadable.length) {
      const sample = report.unreadable.slice(0, 5).map((u) => `${u.table} ${u.id} (key ${u.kid})`).join(', ');
      throw new UsageError(`${report.unreadable.length} rows hold values sealed with neither key and were left as they are: ${sample}`);
    }
  });
}

async function exportCommand(config: Config, args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('export-flows needs one folder: npm run switchboard -- export-flows <dir>');
  await withDatabase(config, async (models) => {
    const { flows, subaccounts } = await exportFlows(models, config.encryptionKey, positionals[0]);
    console.log(`exported ${flows} flows of ${subaccounts} sub-accounts to ${positionals[0]}`);
  });
}

async function importCommand(config: Config, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { subaccount: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('import-flows needs one folder: npm run switchboard -- import-flows <dir> [--subaccount ID]');
  await withDatabase(config, async (models) => {
    const outcomes = await importFlows(models, config.encryptionKey, positionals[0], values.subaccount);
    for (const o of outcomes) console.log(o.flowId ? `imported ${o.file} as flow ${o.flowId}` : `not imported ${o.file}: ${o.error}`);
    const failed = outcomes.filter((o) => o.error).length;
    if (!outcomes.length) throw new UsageError(`no flow documents (*.json) in ${positionals[0]}`);
    if (failed) throw new UsageError(`${failed} of ${outcomes.length} files were not imported; the others were`);
    console.log(`imported ${outcomes.length} flows (inactive: activate them once their secrets are entered)`);
  });
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'start':
      return start(config);
    case 'worker':
      return worker(config);
    case 'migrate':
      return withDatabase(config, async () => console.log('migrations are up to date'));
    case 'seed':
      return withDatabase(config, async (models) => console.log(`seeded: ${(await runSeeds(models)).join(', ') || 'nothing new'}`));
    case 'create-user':
      return createUser(config, rest);
    case 'rotate-key':
      return rotate(config, rest);
    case 'export-flows':
      return exportCommand(config, rest);
    case 'import-flows':
      return importCommand(config, rest);
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`);
  else if (err instanceof UsageError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
