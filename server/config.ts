import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createPublicKey, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './runtime/sandbox/limits.js';
import { ensurePrivateDir } from './lib/private-files.js';
import { DEFAULT_GHL_API_URL, DEFAULT_GHL_OAUTH_URL, GHL_OAUTH_SCOPES, type GhlOAuthApp } from './integrations/gohighlevel/oauth-app.js';
import { GHL_ED25519_PUBLIC_KEY, GHL_RSA_PUBLIC_KEY } from './webhooks/gohighlevel/published-keys.js';
import { INTERVALS, PLAN_IDS } from './billing/plans.js';
import { priceVariable, type BillingSettings } from './billing/settings.js';

export type ExecutionMode = 'inline' | 'queue';

export interface Config {
  port: number;
  host: string;
  /**
   * Where a queue worker serves /health and /metrics (on `host`); 0 picks a free port. null: WORKER_PORT is
   * unset, so DEFAULT_WORKER_PORT, or a free port when another worker on this machine holds it.
   */
  workerPort: number | null;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  executionMode: ExecutionMode;
  publicUrl: string;
  encryptionKey: Buffer;
  allowPrivateNetwork: boolean;
  logLevel: string;
  nodeEnv: string;
  sessionTtlMs: number;
  /** In-process executor concurrency (inline mode) and per-worker concurrency (queue mode). */
  concurrency: number;
  /** Executions an inline process holds in memory waiting for a slot; past it the database alone queues them. */
  inlineBacklog: number;
  /** Accepted executions not yet started past which webhooks and manual runs are refused with 503 (nothing stored). */
  maxBacklog: number;
  /** How long a process's claim on a running execution lasts without renewal; recovery waits this long after a crash. */
  leaseMs: number;
  /** Days an execution is kept; 0 keeps forever. */
  executionRetentionDays: number;
  /** Minutes an execution is kept; when > 0 it overrides the days (short-lived deployments, soak tests). */
  executionRetentionMinutes: number;
  /** Limits of the processes that evaluate what tenants write (expressions, rules). */
  sandbox: SandboxLimits;
  /** When set, `/metrics` requires `Authorization: Bearer <it>`; null leaves it open. */
  metricsToken: string | null;
  /** GoHighLevel: the API base, the marketplace app (null: OAuth off) and the PEM keys that verify its webhooks. */
  ghl: GhlSettings;
  /** Plans and Stripe billing; null when STRIPE_SECRET_KEY is unset: a self-hosted install has no plan limits. */
  billing: BillingSettings | null;
}

export interface GhlSettings {
  apiUrl: string;
  oauth: GhlOAuthApp | null;
  /** Ed25519, verifies `x-ghl-signature`. */
  webhookPublicKey: string;
  /** RSA, verifies the legacy `x-wh-signature`. */
  webhookRsaPublicKey: string;
}

/** A configuration problem a person fixes by changing one environment variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_WORKER_PORT = 3001;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(name, `must be "true" or "false", got "${env[name]}"`);
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL (expected ${protocols.join(' or ')}//…)`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')}//, got "${parsed.protocol}//"`);
  }
  if (!parsed.hostname) throw new ConfigError(name, 'has no host name');
  return raw;
}

/** Accepts 64 hex characters or base64 of exactly 32 bytes. */
export function parseKey(raw: string, variable: string): Buffer {
  const trimmed = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new ConfigError(variable, 'must be 32 bytes, written as 64 hex characters or base64');
}

function encryptionKey(env: NodeJS.ProcessEnv, nodeEnv: string, dataDir: string, warn: (msg: string) => void): Buffer {
  const raw = env.ENCRYPTION_KEY;
  if (raw) return parseKey(raw, 'ENCRYPTION_KEY');
  if (nodeEnv === 'production') throw new ConfigError('ENCRYPTION_KEY', 'is required when NODE_ENV=production');
  const file = join(dataDir, 'encryption.key');
  ensurePrivateDir(dataDir);
  if (existsSync(file)) return parseKey(readFileSync(file, 'utf8'), `ENCRYPTION_KEY (from ${file})`);
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  warn(`ENCRYPTION_KEY is not set: generated a development key into ${file}. Set ENCRYPTION_KEY in production.`);
  return key;
}

function metricsToken(env: NodeJS.ProcessEnv): string | null {
  const raw = env.METRICS_TOKEN;
  if (raw === undefined || raw === '') return null;
  if (!/^[\x21-\x7e]{16,}$/.test(raw)) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 printable characters without spaces');
  return raw;
}

/** A PEM public key of the given type (a key pasted with `\\n` for line breaks is read too). */
function publicKey(env: NodeJS.ProcessEnv, name: string, type: 'ed25519' | 'rsa', fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const pem = raw.replace(/\\n/g, '\n');
  let actual: string | undefined;
  try {
    actual = createPublicKey(pem).asymmetricKeyType;
  } catch {
    throw new ConfigError(name, 'is not a PEM public key (-----BEGIN PUBLIC KEY----- …)');
  }
  if (actual !== type) throw new ConfigError(name, `must be an ${type} public key, got ${actual ?? 'another kind'}`);
  return pem;
}

function ghlSettings(env: NodeJS.ProcessEnv): GhlSettings {
  const apiUrl = (url(env, 'GHL_API_URL', ['http:', 'https:']) ?? DEFAULT_GHL_API_URL).replace(/\/+$/, '');
  const authorizeUrl = url(env, 'GHL_OAUTH_URL', ['http:', 'https:']) ?? DEFAULT_GHL_OAUTH_URL;
  const clientId = env.GHL_CLIENT_ID || '';
  const clientSecret = env.GHL_CLIENT_SECRET || '';
  if (!!clientId !== !!clientSecret) throw new ConfigError(clientId ? 'GHL_CLIENT_SECRET' : 'GHL_CLIENT_ID', 'GHL_CLIENT_ID and GHL_CLIENT_SECRET are set together (or neither, which turns GoHighLevel OAuth off)');
  return {
    apiUrl,
    oauth: clientId ? { clientId, clientSecret, authorizeUrl, apiUrl, scopes: GHL_OAUTH_SCOPES } : null,
    webhookPublicKey: publicKey(env, 'GHL_WEBHOOK_PUBLIC_KEY', 'ed25519', GHL_ED25519_PUBLIC_KEY),
    webhookRsaPublicKey: publicKey(env, 'GHL_WEBHOOK_RSA_PUBLIC_KEY', 'rsa', GHL_RSA_PUBLIC_KEY),
  };
}

function billingSettings(env: NodeJS.ProcessEnv): BillingSettings | null {
  const secretKey = env.STRIPE_SECRET_KEY || '';
  if (!secretKey) return null;
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET || '';
  if (!webhookSecret) throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'is required with STRIPE_SECRET_KEY (the signing secret of the /webhooks/stripe endpoint, whsec_…)');
  const prices: BillingSettings['prices'] = {};
  for (const plan of PLAN_IDS) {
    for (const interval of INTERVALS) {
      const id = env[priceVariable(plan, interval)];
      if (id && !/^price_[A-Za-z0-9_]+$/.test(id)) throw new ConfigError(priceVariable(plan, interval), `must be a Stripe price id (price_…), got "${id}"`);
      if (id) prices[`${plan}:${interval}`] = id;
    }
  }
  const apiUrl = url(env, 'STRIPE_API_URL', ['http:', 'https:']);
  return {
    secretKey,
    webhookSecret,
    apiUrl: apiUrl && apiUrl.replace(/\/+$/, ''),
    prices,
    trialDays: integer(env, 'BILLING_TRIAL_DAYS', 14, 0, 365),
    graceDays: integer(env, 'BILLING_GRACE_DAYS', 7, 0, 90),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, warn: (msg: string) => void = console.warn): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const dataDir = resolve(env.DATA_DIR || './data');
  const nodeEnv = env.NODE_ENV || 'development';
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const mode = env.EXECUTION_MODE || 'inline';
  if (mode !== 'inline' && mode !== 'queue') {
    throw new ConfigError('EXECUTION_MODE', `must be "inline" or "queue", got "${mode}"`);
  }
  if (mode === 'queue' && !redisUrl) throw new ConfigError('EXECUTION_MODE', '"queue" needs REDIS_URL to be set');
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://${host}:${port}`).replace(/\/+$/, '');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    port,
    host,
    workerPort: env.WORKER_PORT ? integer(env, 'WORKER_PORT', DEFAULT_WORKER_PORT, 0, 65535) : null,
    dataDir,
    databaseUrl,
    redisUrl,
    executionMode: mode,
    publicUrl,
    encryptionKey: encryptionKey(env, nodeEnv, dataDir, warn),
    allowPrivateNetwork: boolean(env, 'ALLOW_PRIVATE_NETWORK'),
    logLevel,
    nodeEnv,
    sessionTtlMs: integer(env, 'SESSION_TTL_HOURS', 24 * 7, 1, 24 * 365) * 3600_000,
    // A slot is held while its execution waits (its commit, a code call, an HTTP answer), so the default
    // must cover the rate times that wait: at 32 an inline process idled behind its own commits while
    // webhooks were answered 503 (docs/benchmarks.md, 2026-11-29 evening).
    concurrency: integer(env, 'CONCURRENCY', 128, 1, 1000),
    inlineBacklog: integer(env, 'INLINE_BACKLOG', 5000, 1, 1_000_000),
    maxBacklog: integer(env, 'MAX_BACKLOG', 50_000, 1, 100_000_000),
    sandbox: {
      processes: integer(env, 'SANDBOX_PROCESSES', DEFAULT_SANDBOX_LIMITS.processes, 1, 64),
      timeLimitMs: integer(env, 'SANDBOX_TIME_LIMIT_MS', DEFAULT_SANDBOX_LIMITS.timeLimitMs, 50, 60_000),
      memoryMb: integer(env, 'SANDBOX_MEMORY_MB', DEFAULT_SANDBOX_LIMITS.memoryMb, 32, 4096),
      maxResultBytes: DEFAULT_SANDBOX_LIMITS.maxResultBytes,
    },
    leaseMs: integer(env, 'EXECUTION_LEASE_SECONDS', 30, 1, 3600) * 1000,
    executionRetentionDays: integer(env, 'EXECUTION_RETENTION_DAYS', 30, 0, 3650),
    executionRetentionMinutes: integer(env, 'EXECUTION_RETENTION_MINUTES', 0, 0, 525_600),
    metricsToken: metricsToken(env),
    ghl: ghlSettings(env),
    billing: billingSettings(env),
  };
}
