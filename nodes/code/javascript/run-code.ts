import { NodeError } from '../../contract.js';
import type { IsolatePool, WarmIsolate } from './isolate-pool.js';
import type { Realm } from './realm.js';
import type { CallLimits } from './limits.js';
import { readOutcome, type CodeOutcome } from './outcome.js';

/**
 * How long past its time limit a call may stay unsettled before its isolate is disposed. isolated-vm's own
 * timeout stops running code (microtasks included) at the limit; what it cannot stop is a promise that never
 * settles (nothing inside can settle it later: there are no timers or I/O), nor a run still queued for a
 * thread on a busy machine, which the margin gives time to start.
 */
const SETTLE_MARGIN_MS = 1000;

export interface CodeCall {
  code: string;
  /** Everything the code sees, as JSON: copied in, never shared. */
  args: { input: unknown; trigger?: unknown; node?: unknown; execution: unknown };
  /** Isolates are reused only within this key (the sub-account). */
  tenant: string;
  limits: CallLimits;
  signal: AbortSignal;
}

const timeLimitError = (limits: CallLimits) =>
  new NodeError(`The code ran longer than its time limit of ${limits.timeLimitMs} ms and was stopped (timeLimitMs; ceiling CODE_TIME_LIMIT_MS).`, 'time_limit_exceeded');
const memoryLimitError = (limits: CallLimits) =>
  new NodeError(`The code used more than its memory limit of ${limits.memoryMb} MB and was stopped (memoryMb; ceiling CODE_MEMORY_MB).`, 'memory_limit_exceeded');

/** Runs one call in the realm of a warm isolate of the tenant, within its limits. */
export async function runCode(pool: IsolatePool, call: CodeCall): Promise<CodeOutcome> {
  const argsJson = JSON.stringify(call.args);
  const warm = await pool.acquire(`${call.tenant}:${call.limits.memoryMb}`, call.limits.memoryMb, call.signal);
  try {
    const script = await warm.script(call.code);
    let envelope: unknown;
    let realm: Realm | undefined;
    try {
      realm = await warm.realm();
      const fn = await realm.function(call.code, script);
      envelope = await settle(warm, realm.call(fn, argsJson, call.limits.timeLimitMs), call);
    } catch (err) {
      // Stopped mid-call (a limit, a cancel): whatever it was doing is not left for the next call to meet.
      await warm.retire();
      throw err;
    }
    if (realm.spent) await warm.retire();
    else realm.checkHeap(warm.isolate, call.limits.memoryMb);
    return readOutcome(envelope);
  } catch (err) {
    throw explain(err, warm, call);
  } finally {
    warm.prepare();
    pool.release(warm);
  }
}

/** The run's result, unless it outlives its limit or the step is cancelled: then the isolate is disposed. */
async function settle(warm: WarmIsolate, run: Promise<unknown>, call: CodeCall): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => undefined as void;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      warm.dispose();
      reject(timeLimitError(call.limits));
    }, call.limits.timeLimitMs + SETTLE_MARGIN_MS);
    onAbort = () => {
      warm.dispose();
      reject(new NodeError('The step was cancelled while its code ran.', 'cancelled'));
    };
    call.signal.addEventListener('abort', onAbort, { once: true });
  });
  run.catch(() => undefined);
  try {
    return await Promise.race([run, stopped]);
  } finally {
    clearTimeout(timer);
    call.signal.removeEventListener('abort', onAbort);
  }
}

/** isolated-vm's errors, said in the step's terms. */
function explain(err: unknown, warm: WarmIsolate, call: CodeCall): Error {
  if (err instanceof NodeError || (err as Error | null)?.name === 'NodeError') return err as Error;
  const message = err instanceof Error ? err.message : String(err);
  if (/memory limit/i.test(message) || (warm.disposed && /disposed/i.test(message))) return memoryLimitError(call.limits);
  if (/timed out/i.test(message)) return timeLimitError(call.limits);
  return new NodeError(`The code failed: ${message.slice(0, 2000)}`, 'script_error');
}
