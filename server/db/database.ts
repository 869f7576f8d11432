import { join } from 'node:path';
import { Sequelize, Transaction } from 'sequelize';
import type { Config } from '../config.js';
import { ensurePrivateDir, ensurePrivateFile } from '../lib/private-files.js';

/** Builds the Sequelize instance for SQLite (default, a file in DATA_DIR) or PostgreSQL (DATABASE_URL). */
export function createSequelize(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Sequelize {
  if (config.databaseUrl) {
    return new Sequelize(config.databaseUrl, {
      dialect: 'postgres',
      logging: false,
      pool: { max: 20, min: 0, idle: 10_000, acquire: 30_000 },
    });
  }
  // The file holds webhook tokens and sealed secrets: 0700 folder, 0600 files (-wal and -shm inherit it).
  ensurePrivateDir(config.dataDir);
  const storage = join(config.dataDir, 'switchboard.sqlite');
  ensurePrivateFile(storage);
  const sequelize = new Sequelize({
    dialect: 'sqlite',
    storage,
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

/** For SQLite: the process's one connection and the queue its statements take turns in. */
const direct = new WeakMap<Sequelize, { serial: ReturnType<typeof serialQueue>; connection: () => Promise<SqliteConnection> }>();

const exec = (db: SqliteConnection, sql: string) => new Promise<void>((resolve, reject) => db.run(sql, (err) => (err ? reject(err) : resolve())));

/**
 * Runs `work` in a transaction for raw statements (server/db/raw.ts), the engine's hot path, without
 * Sequelize's Transaction machinery (a stack trace and its query path for BEGIN and COMMIT): on SQLite it
 * is BEGIN IMMEDIATE … COMMIT on the shared connection, in its queue; on PostgreSQL, BEGIN … COMMIT on a
 * connection of Sequelize's pool. `work` must use only the raw helpers, which read `transaction.connection`.
 */
export function transact(sequelize: Sequelize, work: (transaction: Transaction) => Promise<void>): Promise<void> {
  const sqlite = direct.get(sequelize);
  if (sqlite) {
    return sqlite.serial(async () => {
      const connection = await sqlite.connection();
      await exec(connection, 'BEGIN IMMEDIATE');
      try {
        await work({ connection } as unknown as Transaction);
      } catch (err) {
        await exec(connection, 'ROLLBACK').catch(() => undefined);
        throw err;
      }
      await exec(connection, 'COMMIT');
    });
  }
  if (sequelize.getDialect() === 'postgres') return pgTransact(sequelize, work);
  return sequelize.transaction((transaction) => work(transaction));
}

type PgConnection = { query(sql: string): Promise<unknown> };
type PgPool = { getConnection(): Promise<PgConnection>; releaseConnection(connection: PgConnection): Promise<void> | void };

async function pgTransact(sequelize: Sequelize, work: (transaction: Transaction) => Promise<void>): Promise<void> {
  const manager = (sequelize as unknown as { connectionManager: PgPool }).connectionManager;
  const connection = await manager.getConnection();
  try {
    await connection.query('BEGIN');
    try {
      await work({ connection } as unknown as Transaction);
    } catch (err) {
      await connection.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    await connection.query('COMMIT');
  } finally {
    await manager.releaseConnection(connection);
  }
}

type ConnectionManager = {
  getConnection(options?: { uuid?: string }): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection): void;
};
type Query = (sql: unknown, options?: { transaction?: unknown }) => Promise<unknown>;

const pragma = (db: SqliteConnection, sql: string) => exec(db, `PRAGMA ${sql}`);

/** Runs tasks one after another. */
function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * SQLite has one writer, and Sequelize's driver would open a fresh connection (with none of our settings)
 * per transaction, which then contend for the file lock. Instead each process uses one tuned connection
 * and runs its statements one at a time: a transaction holds the queue from BEGIN to COMMIT (its own
 * statements carry it and pass), everything else waits its turn. Other processes on the same file wait
 * for the lock under busy_timeout.
 */
function tuneSqlite(sequelize: Sequelize): void {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
  const open = manager.getConnection.bind(manager);
  let shared: Promise<SqliteConnection> | undefined;
  manager.getConnection = () =>
    (shared ??= open({ uuid: 'default' }).then(async (connection) => {
      for (const setting of ['busy_timeout = 15000', 'journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON']) await pragma(connection, setting);
      return connection;
    }));
  // The one connection lives until sequelize.close(); a finished transaction must not close it.
  manager.releaseConnection = () => undefined;
  const serial = serialQueue();
  direct.set(sequelize, { serial, connection: () => manager.getConnection() });
  const target = sequelize as unknown as { query: Query; transaction: (...args: unknown[]) => Promise<unknown> };
  const query = target.query.bind(sequelize);
  const transaction = target.transaction.bind(sequelize);
  target.query = (sql, options) => (options?.transaction ? query(sql, options) : serial(() => query(sql, options)));
  target.transaction = (...args) => serial(() => transaction(...args));
}
