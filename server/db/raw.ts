import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';

/**
 * Multi-row writes for the engine's hot path, as plain SQL that runs on SQLite and PostgreSQL alike.
 * Model-level bulkCreate builds a model instance per row, which cost more CPU than the database did.
 * Values are encoded the way Sequelize stores them, so rows read back through the models unchanged.
 */
export type Kind = 'json' | 'date' | 'plain';

export interface Column {
  name: string;
  kind?: Kind;
}

const quote = (name: string) => `"${name}"`;

// The rows of one commit mostly share their timestamps: the last text made is reused for the same instant.
let lastDate = { ms: NaN, text: '' };

/** Sequelize keeps SQLite dates as text: '2026-11-22 00:50:10.657 +00:00'. */
function sqliteDate(d: Date): string {
  const ms = d.getTime();
  if (ms !== lastDate.ms) {
    const iso = d.toISOString();
    lastDate = { ms, text: `${iso.slice(0, 10)} ${iso.slice(11, 23)} +00:00` };
  }
  return lastDate.text;
}

export function encoder(sequelize: Sequelize) {
  const sqlite = sequelize.getDialect() === 'sqlite';
  return (value: unknown, kind: Kind = 'plain'): unknown => {
    if (value === null || value === undefined) return null;
    if (kind === 'json') return JSON.stringify(value);
    if (kind === 'date') return sqlite ? sqliteDate(value as Date) : (value as Date);
    if (typeof value === 'boolean' && sqlite) return value ? 1 : 0;
    return value;
  };
}

/** JSON columns come back as text from SQLite and parsed from PostgreSQL. */
export const decodeJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : (value ?? null));

export function decodeDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(String(value).replace(' ', 'T').replace(' +00:00', 'Z'));
}

type SqliteDatabase = { all(sql: string, params: unknown[], cb: (err: Error | null, rows: unknown[]) => void): void };
/** node-postgres's client, as Sequelize holds it in `transaction.connection`. */
export type PgClient = { query(config: { text: string; values: unknown[]; name?: string }): Promise<{ rows: unknown[] }> };

/**
 * Runs one statement inside a transaction and gives its rows, straight on the transaction's connection:
 * Sequelize's query path captures a stack trace and rewrites every bind parameter of every statement,
 * which on the engine's multi-row writes cost more than the database did.
 */
export function queryRows<T extends object>(sequelize: Sequelize, sql: string, bind: unknown[], transaction: Transaction): Promise<T[]> {
  const pg = pgClient(sequelize, transaction);
  if (pg) return pgRows<T>(pg, { text: sql, values: bind });
  const connection = sqliteConnection(sequelize, transaction);
  if (!connection) return sequelize.query<T>(sql, { bind, transaction, type: QueryTypes.SELECT });
  // `?NNN` is SQLite's numbered parameter: the array binds by number, however often each appears.
  return allRows<T>(connection, sql.replace(/\$(\d+)/g, '?$1'), bind);
}

function sqliteConnection(sequelize: Sequelize, transaction: Transaction): SqliteDatabase | undefined {
  return sequelize.getDialect() === 'sqlite' ? (transaction as unknown as { connection?: SqliteDatabase }).connection : undefined;
}

function pgClient(sequelize: Sequelize, transaction: Transaction): PgClient | undefined {
  return sequelize.getDialect() === 'postgres' ? (transaction as unknown as { connection?: PgClient }).connection : undefined;
}

const allRows = <T>(connection: SqliteDatabase, sql: string, bind: unknown[]): Promise<T[]> =>
  new Promise((resolve, reject) => connection.all(sql, bind, (err, rows) => (err ? reject(translate(err)) : resolve(rows as T[]))));

const pgRows = <T>(client: PgClient, query: { text: string; values: unknown[]; name?: string }): Promise<T[]> =>
  client.query(query).then(
    (result) => result.rows as T[],
    (err: unknown) => Promise.reject(translate(err as Error)),
  );

/** The driver's error as Sequelize would have raised it, so callers recognise a duplicate key either way. */
function translate(err: Error & { code?: string }): Error {
  const duplicate = (err.code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(err.message)) || err.code === '23505';
  return duplicate ? new UniqueConstraintError({ message: err.message, parent: err as never }) : err;
}

export interface InsertOptions {
  transaction: Transaction;
  /** Upsert: the unique key and the columns replaced on conflict. */
  onConflict?: { keys: string[]; update: string[] };
}

/** Names of the prepared insert statements, by their text: PostgreSQL parses and plans each once per connection. */
const statementNames = new Map<string, string>();
const statementName = (sql: string): string => {
  let name = statementNames.get(sql);
  if (!name) statementNames.set(sql, (name = `sb_insert_${statementNames.size}`));
  return name;
};

/**
 * Inserts (or upserts) many rows in one statement, whose rows travel as one JSON array. On SQLite it is
 * read by `json_each`: binding thousands of parameters one by one was the largest part of the engine's
 * main-thread time, while SQLite parses the JSON off the event loop, in the driver's thread. On PostgreSQL
 * `json_populate_recordset` reads it with the table's own column types, so the statement's text is the same
 * whatever the number of rows and is prepared once per connection.
 */
export async function insertRows(
  sequelize: Sequelize,
  table: string,
  columns: Column[],
  rows: Record<string, unknown>[],
  options: InsertOptions,
): Promise<void> {
  if (!rows.length) return;
  const names = columns.map((c) => quote(c.name)).join(', ');
  let conflict = '';
  if (options.onConflict) {
    const { keys, update } = options.onConflict;
    conflict = ` ON CONFLICT (${keys.map(quote).join(', ')}) DO UPDATE SET ${update.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`;
  }
  const pg = pgClient(sequelize, options.transaction);
  if (pg) {
    // JSON columns keep their values as JSON (a JSON null is SQL NULL); dates become ISO text.
    const records = rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const c of columns) record[c.name] = row[c.name] ?? null;
      return record;
    });
    const sql = `INSERT INTO ${quote(table)} (${names}) SELECT ${names} FROM json_populate_recordset(NULL::${quote(table)}, $1::json)${conflict}`;
    await pgRows(pg, { name: statementName(sql), text: sql, values: [JSON.stringify(records)] });
    return;
  }
  const encode = encoder(sequelize);
  const connection = sqliteConnection(sequelize, options.transaction);
  if (connection) {
    const values = columns.map((_, i) => `value ->> '$[${i}]'`).join(', ');
    // `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join.
    const sql = `INSERT INTO ${quote(table)} (${names}) SELECT ${values} FROM json_each(?1) WHERE true${conflict}`;
    await allRows(connection, sql, [JSON.stringify(rows.map((row) => columns.map((c) => encode(row[c.name], c.kind))))]);
    return;
  }
  const bind: unknown[] = [];
  const tuples = rows.map((row) => `(${columns.map((c) => `$${bind.push(encode(row[c.name], c.kind))}`).join(', ')})`);
  const sql = `INSERT INTO ${quote(table)} (${names}) VALUES ${tuples.join(', ')}${conflict}`;
  await sequelize.query(sql, { bind, transaction: options.transaction, type: QueryTypes.INSERT });
}

/** Runs an UPDATE … RETURNING "id" and gives the ids it changed. */
export async function updateReturningIds(sequelize: Sequelize, sql: string, bind: unknown[], transaction: Transaction): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(sequelize, `${sql} RETURNING "id"`, bind, transaction);
  return rows.map((r) => r.id);
}
