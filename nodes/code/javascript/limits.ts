import { availableParallelism } from 'node:os';
import { ConfigError } from '../../../server/config.js';
import { isNodeError, NodeError, type TenantCeilings } from '../../contract.js';

/** What the server allows any code node (the ceilings a node's own limits must stay under), and the pool's size. */
export interface CodeCeilings {
  /** CODE_MEMORY_MB: heap of one isolate. */
  memoryMb: number;
  /** CODE_TIME_LIMIT_MS: wall time of one call. */
  timeLimitMs: number;
  /** CODE_ISOLATES: warm isolates this process keeps, across every sub-account. */
  isolates: number;
}

export const DEFAULT_CODE_CEILINGS: CodeCeilings = { memoryMb: 64, timeLimitMs: 1000, isolates: 8 };

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/**
 * The ceilings from the environment. Read here rather than through `Config`: handlers get no server config,
 * and these are the process's own limits, like the V8 flags of the evaluation processes.
 */
export function codeCeilings(env: NodeJS.ProcessEnv = process.env): CodeCeilings {
  return {
    memoryMb: integer(env, 'CODE_MEMORY_MB', DEFAULT_CODE_CEILINGS.memoryMb, 8, 4096),
    timeLimitMs: integer(env, 'CODE_TIME_LIMIT_MS', DEFAULT_CODE_CEILINGS.timeLimitMs, 10, 600_000),
    isolates: integer(env, 'CODE_ISOLATES', DEFAULT_CODE_CEILINGS.isolates, 1, 256),
  };
}

/** Isolates one sub-account may hold at once: enough to keep every core busy, never the whole pool. */
export const perTenantIsolates = (ceilings: CodeCeilings): number => Math.max(1, Math.min(ceilings.isolates, availableParallelism()));

export interface CallLimits {
  memoryMb: number;
  timeLimitMs: number;
  /**
   * Set when the tenant's ceiling (its plan) rather than the server's bounds a limit: a sentence naming who
   * sets it and how to get more, which the limit's errors end with.
   */
  cappedBy?: { memoryMb?: string; timeLimitMs?: string };
}

interface Ceiling {
  value: number;
  /** The sentence errors end with when the tenant's ceiling is the lower one; absent: the server's. */
  cappedBy?: string;
}

/** The lower of the server's ceiling and the tenant's, remembering which one it is. */
function lower(server: number, tenant: number | undefined, unit: string, ceilings: TenantCeilings | undefined): Ceiling {
  if (tenant === undefined || !ceilings || tenant >= server) return { value: server };
  return { value: tenant, cappedBy: `The ceiling of ${tenant} ${unit} is set by ${ceilings.setBy}; ${ceilings.wayOut}` };
}

function aboveCeiling(name: string, asked: number, ceiling: Ceiling, unit: string, variable: string): NodeError {
  const why = ceiling.cappedBy ? `the ceiling of ${ceiling.value} ${unit}. ${ceiling.cappedBy}` : `this server's ceiling of ${ceiling.value} ${unit} (${variable}).`;
  return new NodeError(`${name} ${asked} is above ${why}`, 'limit_above_ceiling');
}

/**
 * A node's own limits, defaulting to the ceilings: the server's, or the tenant's where they are lower (its
 * plan, passed by the engine as `ctx.ceilings`). A limit above its ceiling is a clear error, not a silent cut.
 */
export function callLimits(config: { memoryMb?: number; timeLimitMs?: number }, ceilings: Pick<CodeCeilings, 'memoryMb' | 'timeLimitMs'>, tenant?: TenantCeilings): CallLimits {
  const memory = lower(ceilings.memoryMb, tenant?.codeMemoryMb, 'MB', tenant);
  const time = lower(ceilings.timeLimitMs, tenant?.codeTimeLimitMs, 'ms', tenant);
  const memoryMb = config.memoryMb ?? memory.value;
  const timeLimitMs = config.timeLimitMs ?? time.value;
  if (memoryMb > memory.value) throw aboveCeiling('memoryMb', memoryMb, memory, 'MB', 'CODE_MEMORY_MB');
  if (timeLimitMs > time.value) throw aboveCeiling('timeLimitMs', timeLimitMs, time, 'ms', 'CODE_TIME_LIMIT_MS');
  const limits: CallLimits = { memoryMb, timeLimitMs };
  // Only a limit that is the tenant's ceiling itself is explained by it (a node may ask for less on its own).
  const memoryCap = memoryMb === memory.value ? memory.cappedBy : undefined;
  const timeCap = timeLimitMs === time.value ? time.cappedBy : undefined;
  if (memoryCap || timeCap) limits.cappedBy = { memoryMb: memoryCap, timeLimitMs: timeCap };
  return limits;
}

const LIMIT_OF_ERROR: Record<string, keyof NonNullable<CallLimits['cappedBy']>> = { memory_limit_exceeded: 'memoryMb', time_limit_exceeded: 'timeLimitMs' };

/** A limit error for a limit the tenant's ceiling set: says who set it and how to get more. Other errors pass as they are. */
export function explainedByCeiling(err: unknown, limits: CallLimits): unknown {
  if (!isNodeError(err) || !err.code) return err;
  const why = limits.cappedBy?.[LIMIT_OF_ERROR[err.code]];
  return why ? Object.assign(new NodeError(`${err.message} ${why}`, err.code), { logs: (err as { logs?: string[] }).logs }) : err;
}
