import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import type { DatabaseKind } from './databases.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Sent as is, without JSON encoding. */
  raw?: string | Buffer;
}

export interface TestServer {
  app: App;
  url: string;
  dataDir: string;
  /** Every log line the app wrote, for assertions on what is (not) logged. */
  logs: string[];
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<Reply<T>>;
  close(): Promise<void>;
}

export async function send<T = any>(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

/** A whole Switchboard on a random port with its own data directory and database (or another's, to act as a second process). */
export async function startServer(kind: DatabaseKind, env: Record<string, string> = {}, shareStorageWith?: TestServer): Promise<TestServer> {
  // A sibling shares the first server's storage, as a second process of one installation would.
  const shared = shareStorageWith?.app.config;
  const database = shared ? { url: shared.databaseUrl ?? undefined, drop: async () => undefined } : await kind.create();
  const dataDir = shared ? shared.dataDir : mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ENCRYPTION_KEY: shared ? shared.encryptionKey.toString('hex') : randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await createApp(config, { logger: createLogger(config.logLevel, sink) });
  const url = await app.listen();
  return {
    app,
    url,
    dataDir,
    logs,
    request: (method, path, options) => send(url, method, path, options),
    async close() {
      await app.close();
      await database.drop();
      if (!shared) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
