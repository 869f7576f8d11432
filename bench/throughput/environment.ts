import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { waitHealthy } from './api.js';
import { createPgDatabase, pgReader, sqliteReader, type BenchDatabase, type ExecutionReader } from './db.js';
import { freePort, spawnServer, type Child } from './processes.js';
import { BENCH_REDIS_URL, flushBenchDb, waitForWorkers } from './redis.js';

export interface BenchConfig {
  id: string;
  label: string;
  database: 'sqlite' | 'postgres';
  mode: 'inline' | 'queue';
  workers: number;
}

/** The configurations the benchmarks know (ids for BENCH_CONFIGS and SOAK_CONFIG). */
export const CONFIGS: (BenchConfig & { optional?: boolean })[] = [
  { id: 'sqlite-inline', label: 'SQLite, inline', database: 'sqlite', mode: 'inline', workers: 0 },
  { id: 'pg-inline', label: 'PostgreSQL, inline', database: 'postgres', mode: 'inline', workers: 0 },
  { id: 'pg-queue-1', label: 'PostgreSQL, queue, 1 worker', database: 'postgres', mode: 'queue', workers: 1 },
  { id: 'pg-queue-2', label: 'PostgreSQL, queue, 2 workers', database: 'postgres', mode: 'queue', workers: 2 },
  { id: 'sqlite-queue-1', label: 'SQLite, queue, 1 worker', database: 'sqlite', mode: 'queue', workers: 1, optional: true },
];

/** Per process: how many log lines, and how often each distinct message appeared. */
export interface ProcessReport {
  name: string;
  exit: string | null;
  logLines: number;
  messages: Record<string, number>;
  logFile: string;
}

/** pino writes JSON lines: count by `msg` (plus the error message, when there is one). */
function messageOf(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    return [entry.msg, entry.err?.message].filter(Boolean).join(': ').slice(0, 200) || line.slice(0, 200);
  } catch {
    return line.slice(0, 200);
  }
}

/**
 * Everything one configuration runs on: its database, data directories, web process and workers.
 * `close` stops the processes and removes the database and the data directories (logs are kept).
 */
export class Environment {
  readonly children: Child[] = [];
  /** Helper processes (the load generator): stopped with the rest, left out of the report. */
  private readonly helpers: Child[] = [];
  private readonly dataDirs: string[] = [];
  private readonly messages = new Map<Child, Map<string, number>>();
  private database?: BenchDatabase;
  private readonly encryptionKey = randomBytes(32).toString('hex');
  base = '';
  web?: Child;

  constructor(
    readonly config: BenchConfig,
    private readonly runDir: string,
    /** More variables for every Switchboard process (the soak sets EXECUTION_RETENTION_MINUTES). */
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  private async env(dataDir: string): Promise<Record<string, string>> {
    return {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ENCRYPTION_KEY: this.encryptionKey,
      DATA_DIR: dataDir,
      EXECUTION_MODE: this.config.mode,
      ...(this.database ? { DATABASE_URL: this.database.url } : {}),
      ...(this.config.mode === 'queue' ? { REDIS_URL: BENCH_REDIS_URL } : {}),
      ...this.extraEnv,
    };
  }

  private async newDataDir(): Promise<string> {
    const dir = await mkdtemp(join(this.runDir, `data-${this.config.id}-`));
    this.dataDirs.push(dir);
    return dir;
  }

  private spawn(name: string, command: 'start' | 'worker', env: Record<string, string>): Child {
    const child = spawnServer(name, command, env, join(this.runDir, `${this.config.id}-${name}.log`));
    const counts = new Map<string, number>();
    this.messages.set(child, counts);
    child.onLine((line) => {
      const msg = messageOf(line);
      counts.set(msg, (counts.get(msg) ?? 0) + 1);
    });
    this.children.push(child);
    return child;
  }

  /** Fresh PostgreSQL database (if any), clean Redis queue db (queue mode), web process up and healthy. */
  async startWeb(): Promise<void> {
    if (this.config.database === 'postgres') this.database = await createPgDatabase();
    if (this.config.mode === 'queue') await flushBenchDb();
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.web = this.spawn('web', 'start', { ...(await this.env(await this.newDataDir())), PORT: String(port) });
    await waitHealthy(this.base, this.web);
  }

  /** Starts the queue workers (after the web process ran the migrations) and waits until all are connected. */
  async startWorkers(): Promise<void> {
    for (let i = 1; i <= this.config.workers; i++) {
      // SQLite has to be shared with the web process; PostgreSQL workers get a data dir of their own.
      const dataDir = this.config.database === 'sqlite' ? this.dataDirs[0] : await this.newDataDir();
      this.spawn(`worker${i}`, 'worker', await this.env(dataDir));
    }
    if (this.config.workers) await waitForWorkers(this.config.workers);
  }

  adopt(child: Child): Child {
    this.helpers.push(child);
    return child;
  }

  /** The PostgreSQL database's name, to tell its backends from other databases' (none for SQLite). */
  databaseName(): string | undefined {
    return this.database ? new URL(this.database.url).pathname.slice(1) : undefined;
  }

  workerPids(): number[] {
    return this.children.filter((c) => c.name.startsWith('worker')).map((c) => c.pid);
  }

  /** True while every process this configuration needs to run executions is alive. */
  executorsAlive(): boolean {
    return this.children.every((c) => !c.exited());
  }

  reader(): Promise<ExecutionReader> {
    return this.database ? pgReader(this.database.url) : sqliteReader(join(this.dataDirs[0], 'switchboard.sqlite'));
  }

  report(): ProcessReport[] {
    return this.children.map((c) => {
      const exit = c.exited();
      return {
        name: c.name,
        exit: exit ? `code ${exit.code}, signal ${exit.signal}` : null,
        logLines: c.lines(),
        messages: Object.fromEntries(this.messages.get(c) ?? []),
        logFile: c.logFile,
      };
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.helpers, ...this.children].map((c) => c.stop()));
    if (this.config.mode === 'queue') await flushBenchDb().catch(() => undefined);
    await this.database?.drop().catch((err: unknown) => console.error(`could not drop ${this.database?.url}: ${String(err)}`));
    for (const dir of this.dataDirs) await rm(dir, { recursive: true, force: true });
  }
}
