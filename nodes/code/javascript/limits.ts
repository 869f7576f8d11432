import { availableParallelism } from 'node:os';
import { ConfigError } from '../../../server/config.js';
import { NodeError } from '../../contract.js';

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
}

/** A node's own limits, defaulting to the ceilings; a limit above its ceiling is a clear error, not a silent cut. */
export function callLimits(config: { memoryMb?: number; timeLimitMs?: number }, ceilings: CodeCeilings): CallLimits {
  const memoryMb = config.memoryMb ?? ceilings.memoryMb;
  const timeLimitMs = config.timeLimitMs ?? ceilings.timeLimitMs;
  if (memoryMb > ceilings.memoryMb) {
    throw new NodeError(`memoryMb ${memoryMb} is above this server's ceiling of ${ceilings.memoryMb} MB (CODE_MEMORY_MB).`, 'limit_above_ceiling');
  }
  if (timeLimitMs > ceilings.timeLimitMs) {
    throw new NodeError(`timeLimitMs ${timeLimitMs} is above this server's ceiling of ${ceilings.timeLimitMs} ms (CODE_TIME_LIMIT_MS).`, 'limit_above_ceiling');
  }
  return { memoryMb, timeLimitMs };
}
