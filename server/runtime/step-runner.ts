import { isNodeError, isRetryableError, isWait, NodeError, RetryableError, type AnyNodeDefinition, type NodeContext, type ResumeEvent } from '../../nodes/contract.js';
import type { FlowNode } from '../../schemas/flow.js';
import type { StepError } from '../db/models/runtime.js';
import { compile, toDetails, type JsonSchema } from '../lib/validation.js';
import { ExpressionError, resolveConfig, type ExpressionScope } from './expressions.js';
import type { StepState } from './store.js';

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export class CancelledError extends Error {
  constructor() {
    super('The execution was cancelled.');
    this.name = 'CancelledError';
  }
}

export interface StepRequest {
  node: FlowNode;
  definition: AnyNodeDefinition;
  input: unknown;
  scope: ExpressionScope;
  execution: { id: string; flowId: string; subaccountId: string };
  signal: AbortSignal;
  /** Present when a waiting step wakes up. */
  resume?: ResumeEvent;
  previous?: StepState;
  onAttempt?(attempt: number): void;
  allowPrivateNetwork: boolean;
}

function backoffMs(node: FlowNode, attempt: number, retryAfterMs?: number): number {
  const { initialMs = 1000, factor = 2, maxMs = 60_000 } = node.retry?.backoff ?? {};
  const base = Math.min(maxMs, initialMs * factor ** (attempt - 1));
  // Full jitter spreads retries of many executions hitting the same rate limit.
  const jittered = base / 2 + Math.random() * (base / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Races the handler against its timeout and the cancel signal, so a handler that ignores the signal still stops counting. */
async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, cancel: AbortSignal): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([cancel, timeout]);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () =>
      reject(cancel.aborted ? new CancelledError() : new RetryableError(`The step did not finish within ${timeoutMs} ms.`, 'timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(signal), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export function toStepError(err: unknown): StepError {
  if (isRetryableError(err)) return { message: err.message, code: err.code, retryable: true };
  if (isNodeError(err)) return { message: err.message, code: err.code, retryable: false };
  if (err instanceof ExpressionError) return { message: err.message, code: 'expression_failed', retryable: false };
  return { message: err instanceof Error ? err.message : String(err), code: 'node_failed', retryable: false };
}

async function resolvedConfig(request: StepRequest): Promise<unknown> {
  const { node, definition, scope } = request;
  const config = await resolveConfig(node.config ?? {}, scope, '', definition.rawFields ?? []);
  const validate = compile(definition.configSchema as JsonSchema);
  if (!validate(config)) {
    const problems = toDetails(validate.errors).map((d) => `${d.path} ${d.message}`);
    throw new NodeError(`After resolving expressions, the config is invalid: ${problems.join('; ')}.`, 'invalid_config');
  }
  return config;
}

/** Runs one node with its retries, timeout and cancel; returns the step's settled (or waiting) state. */
export async function runStep(request: StepRequest): Promise<StepState> {
  const { node, definition } = request;
  const maxAttempts = node.retry?.maxAttempts ?? 1;
  const logs: string[] = [...(request.previous?.logs ?? [])];
  const startedAt = request.previous?.startedAt ?? new Date();
  const firstAttempt = request.previous?.attempt ?? 1;
  for (let attempt = firstAttempt; ; attempt++) {
    request.onAttempt?.(attempt);
    try {
      const outputs = await withDeadline(
        async (signal) => {
          const config = await resolvedConfig(request);
          const ctx: NodeContext<never> = {
            config: config as never,
            input: request.input,
            log: (message) => void logs.push(String(message).slice(0, 10_000)),
            signal,
            execution: request.execution,
            idempotencyKey: `${request.execution.id}:${node.id}`,
            nodeId: node.id,
            attempt,
            allowPrivateNetwork: request.allowPrivateNetwork,
          };
          if (request.resume) {
            return definition.resume ? definition.resume(ctx, request.resume) : { main: request.input };
          }
          return definition.run(ctx);
        },
        node.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        request.signal,
      );
      if (isWait(outputs)) {
        return { nodeId: node.id, status: 'waiting', attempt, outputs: null, error: null, logs, wait: { ...outputs.$wait }, startedAt, finishedAt: null };
      }
      return { nodeId: node.id, status: 'succeeded', attempt, outputs, error: null, logs, wait: null, startedAt, finishedAt: new Date() };
    } catch (err) {
      if (err instanceof CancelledError || request.signal.aborted) throw new CancelledError();
      const error = toStepError(err);
      if (error.retryable && attempt < maxAttempts) {
        logs.push(`attempt ${attempt} failed: ${error.message}; retrying`);
        await sleep(backoffMs(node, attempt, isRetryableError(err) ? err.retryAfterMs : undefined), request.signal);
        continue;
      }
      return { nodeId: node.id, status: 'failed', attempt, outputs: null, error, logs, wait: null, startedAt, finishedAt: new Date() };
    }
  }
}
