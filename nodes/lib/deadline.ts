import { RetryableError } from '../contract.js';

/**
 * Runs one outbound exchange (request and body) under its own time limit as well as the step's signal.
 * When the limit is what stopped it, the failure is a retryable `timeout` naming `what` and the limit,
 * whatever error the HTTP stack raised on the abort.
 */
export async function withTimeout<T>(outer: AbortSignal, timeoutMs: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timer = AbortSignal.timeout(timeoutMs);
  try {
    return await work(AbortSignal.any([outer, timer]));
  } catch (err) {
    if (timer.aborted && !outer.aborted) throw new RetryableError(`${what} did not answer within ${timeoutMs} ms.`, 'timeout');
    throw err;
  }
}
