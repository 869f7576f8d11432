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
    // SQLite has one writer: a single pooled connection avoids SQLITE_BUSY between our own connections.
    pool: { max: 1, min: 1, idle: 60_000 },
    retry: { max: 5, match: [/SQLITE_BUSY/] },
    // Sequelize gives each SQLite transaction its own connection; a deferred transaction that reads and
    // then writes cannot wait for another writer (SQLITE_BUSY at once), an immediate one queues instead.
    transactionType: Transaction.TYPES.IMMEDIATE,
  });
  sequelize.addHook('afterConnect', async (connection) => {
    const db = connection as { run(sql: string, cb: (err: Error | null) => void): void };
    for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'busy_timeout = 5000']) {
      await new Promise<void>((resolve, reject) => db.run(`PRAGMA ${pragma}`, (err) => (err ? reject(err) : resolve())));
    }
  });
  return sequelize;
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'postgres' ? 'postgres' : 'sqlite';
}
