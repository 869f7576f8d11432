import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Sequelize, Transaction } from 'sequelize';
import type { Config } from '../config.js';

export type Dialect = 'sqlite' | 'postgres';

/** Builds the Sequelize instance for SQLite (default, a file in DATA_DIR) or PostgreSQL (DATABASE_URL). */
export function createSequelize(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Sequelize {
  if (config.databaseUrl) {
    return new Sequelize(config.databaseUrl, {
      dialect: 'postgres',
      logging: false,
      pool: { max: 20, min: 0, idle: 10_000, acquire: 30_000 },
    });
  }
  mkdirSync(config.dataDir, { recursive: true });
  const sequelize = new Sequelize({
    dialect: 'sqlite',
    storage: join(config.dataDir, 'switchboard.sqlite'),
    logging: false,
    retry: { max: 5, match: [/SQLITE_BUSY/] },
    // A deferred transaction that reads and then writes cannot wait for another writer (SQLITE_BUSY at
    // once); an immediate one takes the write lock first and waits its turn under busy_timeout.
    transactionType: Transaction.TYPES.IMMEDIATE,
  });
  tuneSqlite(sequelize);
  return sequelize;
}

type SqliteConnection = { run(sql: string, cb: (err: Error | null) => void): void };
type ConnectionManager = { getConnection(options?: unknown): Promise<SqliteConnection> };

const pragma = (db: SqliteConnection, sql: string) =>
  new Promise<void>((resolve, reject) => db.run(`PRAGMA ${sql}`, (err) => (err ? reject(err) : resolve())));

/**
 * Sequelize's SQLite driver opens a new connection per transaction and runs no connect hooks, so the
 * settings every connection needs (wait for the lock instead of failing, WAL, NORMAL sync) are applied
 * here; and transactions of one process are run one at a time: SQLite has a single writer anyway, and
 * queueing in memory is cheaper than contending for the file lock.
 */
function tuneSqlite(sequelize: Sequelize): void {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
  const open = manager.getConnection.bind(manager);
  const tuned = new WeakSet<SqliteConnection>();
  manager.getConnection = async (options?: unknown) => {
    const connection = await open(options);
    if (!tuned.has(connection)) {
      tuned.add(connection);
      for (const setting of ['busy_timeout = 15000', 'journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON']) await pragma(connection, setting);
    }
    return connection;
  };
  let queue: Promise<unknown> = Promise.resolve();
  const transaction = sequelize.transaction.bind(sequelize) as (...args: unknown[]) => Promise<unknown>;
  (sequelize as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = (...args: unknown[]) => {
    const run = queue.then(() => transaction(...args));
    queue = run.catch(() => undefined);
    return run;
  };
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'postgres' ? 'postgres' : 'sqlite';
}
