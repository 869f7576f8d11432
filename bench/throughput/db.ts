import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import pg from 'pg';
import sqlite3 from 'sqlite3';

/** The PostgreSQL server the benchmark creates its throw-away databases on (loopback only). */
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface ExecutionCounts {
  byStatus: Record<string, number>;
  total: number;
  /** queued + running + waiting */
  pending: number;
  lastFinishedAt: Date | null;
}

export interface Timing {
  createdAt: Date;
  finishedAt: Date;
}

/** Reads the executions table of the app under test directly (paging the API would be too slow). */
export interface ExecutionReader {
  counts(flowId: string): Promise<ExecutionCounts>;
  /** createdAt (request stored) and finishedAt of every succeeded execution of the flow. */
  timings(flowId: string): Promise<Timing[]>;
  /** Size of the database: SQLite's file and its write-ahead log; PostgreSQL's pg_database_size (no WAL: it is the cluster's). */
  size(): Promise<{ bytes: number; walBytes: number | null }>;
  close(): Promise<void>;
}

const COUNTS_SQL = `SELECT status, COUNT(*) AS n, MAX("finishedAt") AS last FROM executions WHERE "flowId" = $flow GROUP BY status`;
const TIMINGS_SQL = `SELECT "createdAt", "finishedAt" FROM executions WHERE "flowId" = $flow AND status = 'succeeded'`;

/** Sequelize stores SQLite dates as 'YYYY-MM-DD HH:MM:SS.SSS +00:00'; pg returns Date objects. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value).replace(' ', 'T').replace(/ ([+-]\d\d:\d\d)$/, '$1');
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

function summarize(rows: { status: string; n: unknown; last: unknown }[]): ExecutionCounts {
  const byStatus: Record<string, number> = {};
  let lastFinishedAt: Date | null = null;
  for (const row of rows) {
    byStatus[row.status] = Number(row.n);
    const last = toDate(row.last);
    if (last && (!lastFinishedAt || last > lastFinishedAt)) lastFinishedAt = last;
  }
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const pending = (byStatus.queued ?? 0) + (byStatus.running ?? 0) + (byStatus.waiting ?? 0);
  return { byStatus, total, pending, lastFinishedAt };
}

function toTimings(rows: { createdAt: unknown; finishedAt: unknown }[]): Timing[] {
  return rows.flatMap((r) => {
    const createdAt = toDate(r.createdAt);
    const finishedAt = toDate(r.finishedAt);
    return createdAt && finishedAt ? [{ createdAt, finishedAt }] : [];
  });
}

const fileSize = (path: string) => stat(path).then((s) => s.size, () => 0);

export async function sqliteReader(file: string): Promise<ExecutionReader> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (err) => (err ? reject(err) : resolve(handle)));
  });
  db.configure('busyTimeout', 5000);
  const all = <T>(sql: string, flowId: string) =>
    new Promise<T[]>((resolve, reject) => db.all(sql, { $flow: flowId }, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows))));
  return {
    counts: async (flowId) => summarize(await all(COUNTS_SQL, flowId)),
    timings: async (flowId) => toTimings(await all(TIMINGS_SQL, flowId)),
    size: async () => ({ bytes: await fileSize(file), walBytes: await fileSize(`${file}-wal`) }),
    close: () => new Promise<void>((resolve) => db.close(() => resolve())),
  };
}

export async function pgReader(url: string): Promise<ExecutionReader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const query = async <T extends pg.QueryResultRow>(sql: string, flowId: string) => (await client.query<T>(sql.replace('$flow', '$1'), [flowId])).rows;
  return {
    counts: async (flowId) => summarize(await query<{ status: string; n: string; last: Date | null }>(COUNTS_SQL, flowId)),
    timings: async (flowId) => toTimings(await query<{ createdAt: Date; finishedAt: Date }>(TIMINGS_SQL, flowId)),
    size: async () => ({ bytes: Number((await client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes')).rows[0].bytes), walBytes: null }),
    close: () => client.end(),
  };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database for one configuration; `drop` removes it even with open connections. */
export async function createPgDatabase(): Promise<BenchDatabase> {
  const name = `sb_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function postgresVersion(): Promise<string> {
  try {
    return await withAdmin(async (c) => String((await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version));
  } catch {
    return 'unreachable';
  }
}
