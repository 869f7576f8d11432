import { isIntegrationAuthError, isNodeError, isRetryableError, isStop, isWait, NodeError, RESPOND_KEY, RetryableError, type WebhookResponse, type AnyNodeDefinition, type NodeResult, type ResumeEvent, type TenantCeilings } from '../../nodes/contract.js';
import type { FlowNode } from '../../schemas/flow.js';
import type { StepError } from '../db/models/runtime.js';
import { ExpressionError, needsJsonata, type ExpressionScope } from './expressions.js';
import { NotPlainError } from './templates.js';
import { nodeContext, resolvedConfig } from './sandbox/evaluate.js';
import type { IntegrationAccess } from '../integrations/access.js';
import type { Sandbox } from './sandbox/sandbox.js';
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
  /** Where user-controlled evaluation runs, away from the event loop that serves HTTP. */
  sandbox: Sandbox;
  /** Told once per step (not per attempt) its node type, status and seconds, for /metrics. */
  observe?: StepObserver;
  /** Credentials for nodes that declare an integration. */
  integrations?: IntegrationAccess;
  /** The tenant's ceilings where lower than the server's (its plan, when billing is on). */
  ceilings?: TenantCeilings;
}

export type StepObserver = (nodeType: string, status: string, seconds: number) => void;

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

/**
 * Races the handler against its timeout and the cancel signal, so a handler that ignores the signal still
 * stops counting. One controller and one timer: the composite signal of `AbortSignal.any` with
 * `AbortSignal.timeout` showed in the hot path's profile (every code step runs here).
 */
async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, cancel: AbortSignal): Promise<T> {
  const controller = new AbortController();
  let fail: (err: Error) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    fail = (err) => {
      if (controller.signal.aborted) return;
      controller.abort(err);
      reject(err);
    };
  });
  const timer = setTimeout(() => fail(new RetryableError(`The step did not finish within ${timeoutMs} ms.`, 'timeout')), timeoutMs);
  const onCancel = () => fail(new CancelledError());
  cancel.addEventListener('abort', onCancel, { once: true });
  try {
    if (cancel.aborted) onCancel();
    return await Promise.race([work(controller.signal), aborted]);
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}

export function toStepError(err: unknown): StepError {
  if (isRetryableError(err)) return { message: err.message, code: err.code, retryable: true };
  if (isNodeError(err) || isIntegrationAuthError(err)) return { message: err.message, code: err.code, retryable: false };
  if (err instanceof ExpressionError) return { message: err.message, code: 'expression_failed', retryable: false };
  return { message: err instanceof Error ? err.message : String(err), code: 'node_failed', retryable: false };
}

const sandboxedNodes = new WeakMap<FlowNode, boolean>();
const NOT_INLINE = Symbol('not inline');

/**
 * Whether the step evaluates something the tenant wrote whose cost its size does not bound (a JSONata
 * expression beyond a plain path, a regular expression): then it runs in the sandbox. The engine's own
 * process reads only plain paths and runs rules without regular expressions, both linear in their input.
 * Flow versions are immutable, so this is decided once per node.
 */
function isSandboxed(node: FlowNode, definition: AnyNodeDefinition): boolean {
  let sandboxed = sandboxedNodes.get(node);
  if (sandboxed === undefined) {
    const config = node.config ?? {};
    sandboxed = !!definition.sandboxed?.(config) || needsJsonata(config, definition.rawFields ?? []);
    sandboxedNodes.set(node, sandboxed);
  }
  return sandboxed;
}

/** The config resolved in this process, or NOT_INLINE when a plain path meets a list (JSONata maps over it). */
function inlineConfig(definition: AnyNodeDefinition, config: unknown, scope: ExpressionScope): Promise<unknown> {
  return resolvedConfig(definition, config, scope, 'inline').catch((err: unknown) => {
    if (err instanceof NotPlainError) return NOT_INLINE;
    throw err;
  });
}

const integrationIdOf = (node: FlowNode): unknown => (node.config as { integrationId?: unknown } | undefined)?.integrationId;

/** One attempt: resolve the config and run the handler, in the sandbox where the tenant's logic is involved. */
async function attemptStep(request: StepRequest, attempt: number, logs: string[], signal: AbortSignal): Promise<NodeResult> {
  const { node, definition, scope } = request;
  const task = { nodeType: node.type, nodeId: node.id, config: node.config ?? {}, scope, input: request.input, execution: request.execution, attempt };
  let config = isSandboxed(node, definition) ? NOT_INLINE : await inlineConfig(definition, node.config, scope);
  if (config === NOT_INLINE) {
    // A pure node (condition, switch, set) runs whole in the sandbox: one round trip resolves and runs it.
    if (definition.pure && !request.resume) {
      const result = await request.sandbox.run({ ...task, kind: 'run' }, request.execution.subaccountId, signal);
      logs.push(...result.logs);
      return result.outputs!;
    }
    config = (await request.sandbox.run({ ...task, kind: 'resolve' }, request.execution.subaccountId, signal)).config;
  }
  const ctx = nodeContext({ ...task, signal, allowPrivateNetwork: request.allowPrivateNetwork, logs, ceilings: request.ceilings }, config);
  if (definition.integration) {
    if (!request.integrations) throw new NodeError('Integrations are not available to this process.', 'integration_missing');
    Object.assign(ctx, await request.integrations.open(request.execution.subaccountId, integrationIdOf(node), definition));
  }
  if (request.resume) return definition.resume ? definition.resume(ctx, request.resume) : { main: request.input };
  return definition.run(ctx);
}

/** The error code of an execution a `logic.stop` node ended as failed: its message is the user's own. */
export const STOPPED_CODE = 'execution_stopped';

/**
 * `logic.stop`: failed, the step fails with the user's message (and the execution with it); succeeded,
 * the step fires no port and its `wait.stop` (stored, so a resumed run sees it too) ends the execution.
 */
function stoppedStep(nodeId: string, attempt: number, logs: string[], startedAt: Date, stop: { status: 'succeeded' | 'failed'; message?: string }): StepState {
  const finishedAt = new Date();
  if (stop.status === 'failed') {
    const error = { message: stop.message || 'The flow stopped here.', code: STOPPED_CODE, retryable: false };
    return { nodeId, status: 'failed', attempt, outputs: null, error, logs, wait: null, startedAt, finishedAt };
  }
  return { nodeId, status: 'succeeded', attempt, outputs: {}, error: null, logs, wait: { stop: 'succeeded', message: stop.message ?? null }, startedAt, finishedAt };
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
      // A pure step evaluated here is bounded by its input's size and does no I/O: no timer to arm.
      const outputs =
        definition.pure && !isSandboxed(node, definition)
          ? await attemptStep(request, attempt, logs, request.signal)
          : await withDeadline((signal) => attemptStep(request, attempt, logs, signal), node.timeoutMs ?? DEFAULT_TIMEOUT_MS, request.signal);
      if (isWait(outputs)) {
        return { nodeId: node.id, status: 'waiting', attempt, outputs: null, error: null, logs, wait: { ...outputs.$wait }, startedAt, finishedAt: null };
      }
      if (isStop(outputs)) return stoppedStep(node.id, attempt, logs, startedAt, outputs.$stop);
      const step: StepState = { nodeId: node.id, status: 'succeeded', attempt, outputs, error: null, logs, wait: null, startedAt, finishedAt: new Date() };
      // Only webhook.respond returns it: every other step keeps its outputs object as it came (the hot path).
      if (RESPOND_KEY in outputs) {
        const { [RESPOND_KEY]: respond, ...ports } = outputs as Record<string, unknown>;
        Object.assign(step, { outputs: ports, respond: respond as WebhookResponse });
      }
      return step;
    } catch (err) {
      if (err instanceof CancelledError || request.signal.aborted) throw new CancelledError();
      const error = toStepError(err);
      if (isIntegrationAuthError(err) && request.integrations) await request.integrations.refused(String(integrationIdOf(node)), err.message);
      if (error.retryable && attempt < maxAttempts) {
        logs.push(`attempt ${attempt} failed: ${error.message}; retrying`);
        await sleep(backoffMs(node, attempt, isRetryableError(err) ? err.retryAfterMs : undefined), request.signal);
        continue;
      }
      return { nodeId: node.id, status: 'failed', attempt, outputs: null, error, logs, wait: null, startedAt, finishedAt: new Date() };
    }
  }
}

/** `runStep`, timed for /metrics when the request carries an observer. */
export async function runObservedStep(request: StepRequest): Promise<StepState> {
  const { observe } = request;
  if (!observe) return runStep(request);
  const began = performance.now();
  let status = 'error';
  try {
    const step = await runStep(request);
    status = step.status;
    return step;
  } catch (err) {
    if (err instanceof CancelledError) status = 'cancelled';
    throw err;
  } finally {
    observe(request.node.type, status, (performance.now() - began) / 1000);
  }
}
