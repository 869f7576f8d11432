import type { Logger } from 'pino';
import type { ChildOutcome, ResumeEvent, TenantCeilings } from '../../nodes/contract.js';
import type { ExecutionData, ExecutionStatus, StepError } from '../db/models/runtime.js';
import type { EventBus, ExecutionEvent, ExecutionEventType } from './events.js';
import type { CompiledFlow } from './graph.js';
import { liveInput, nodeValue, scopeFor, skippedStep } from './inputs.js';
import { runLoop } from './loop.js';
import type { IntegrationAccess } from '../integrations/access.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { CancelledError, runObservedStep, STOPPED_CODE, type StepObserver } from './step-runner.js';
import type { ExecutionStore, StepState } from './store.js';
import { isPinned, pinFor, pinnedStep } from './pins.js';

const SETTLED = new Set(['succeeded', 'failed', 'skipped']);
/** A step whose node could have changed something outside the execution is committed before its children run. */
const commitsAlone = (definition: { pure?: boolean; replayable?: boolean }) => !definition.pure && !definition.replayable;
/**
 * An execution whose process died under it this many times is failed instead of resumed: something in
 * it (a payload, a step) keeps killing whatever runs it, and resuming it again would take the next
 * process down too, for every tenant.
 */
export const MAX_INTERRUPTIONS = 3;

export interface ExecutorDeps {
  store: ExecutionStore;
  bus: EventBus;
  logger: Logger;
  allowPrivateNetwork: boolean;
  sandbox: Sandbox;
  loadFlow(flowId: string, version: number): Promise<CompiledFlow>;
  /** Called when an execution reaches a final state (error flows, waiters in other modules). */
  onFinished?(execution: ExecutionData, status: ExecutionStatus, error: StepError | null): Promise<void>;
  /** Called when a step starts waiting (approvals and child executions are created here). */
  onWaiting?(execution: ExecutionData, step: StepState): Promise<void>;
  /** Called once an execution is stored as waiting. */
  onParked?(execution: ExecutionData): Promise<void>;
  /** Told every step's node type, status and duration (/metrics). */
  observeStep?: StepObserver;
  integrations?: IntegrationAccess;
  /** The tenant's ceilings where lower than the server's (its plan, when billing is on); cached, so asking per step costs no query. */
  ceilingsOf?(subaccountId: string): TenantCeilings | undefined | Promise<TenantCeilings | undefined>;
}

/**
 * Runs one execution to a final or waiting state. The graph is walked in waves: every node whose
 * parents have all settled runs (concurrently with its wave-mates); a node none of whose incoming
 * edges fired is skipped. Steps of pure and replayable nodes are held in memory and committed with the next
 * side-effecting step (or the end), since computing them again after a crash changes nothing outside.
 */
export class Executor {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: ExecutorDeps) {
    deps.bus.onControl((message) => {
      if (message.type === 'cancel') this.running.get(message.executionId)?.abort();
    });
  }

  get activeCount(): number {
    return this.running.size;
  }

  /**
   * `fresh`: the execution as this process just created it, or `'new'` when another process created it
   * moments ago: either way it has no steps yet, which saves reads.
   */
  async run(executionId: string, fresh?: ExecutionData | 'new'): Promise<void> {
    const known = fresh === 'new' ? undefined : fresh;
    const { store } = this.deps;
    // A failed claim (database unavailable) is not the job's failure: recovery dispatches it again.
    const execution = await store.claim(executionId, known).catch((err: unknown) => {
      this.deps.logger.warn({ err, executionId }, 'could not claim execution; recovery will retry');
      return null;
    });
    if (!execution) return;
    if ((execution.interruptions ?? 0) >= MAX_INTERRUPTIONS) return this.abandon(execution);
    const controller = new AbortController();
    this.running.set(executionId, controller);
    const renew = setInterval(() => {
      store.renew(executionId).catch((err: unknown) => this.deps.logger.warn({ err, executionId }, 'lease renewal failed'));
    }, Math.max(1000, store.leaseMs / 3));
    try {
      await this.drive(execution, controller.signal, !!fresh);
    } catch (err) {
      this.deps.logger.error({ err, executionId }, 'execution interrupted');
      // A fault that repeats on every attempt must not loop through recovery forever: record it. If even
      // that write fails (database down), the lease expires and recovery resumes from committed steps.
      const error = { message: `The engine could not run this execution: ${(err as Error).message}`, code: 'engine_error', retryable: false };
      if (await store.save(executionId, [], { status: 'failed', error }).catch(() => false)) {
        this.emit(execution, 'execution.finished', 'failed', { error });
      }
    } finally {
      clearInterval(renew);
      this.running.delete(executionId);
    }
  }

  private async abandon(execution: ExecutionData): Promise<void> {
    const error = {
      message: `The execution stopped ${execution.interruptions} times while it was running (the process running it crashed or was killed each time), so it is not resumed again. Look at the step it was running for input or work too large for the server.`,
      code: 'execution_interrupted',
      retryable: false,
    };
    this.deps.logger.error({ executionId: execution.id, interruptions: execution.interruptions }, 'execution failed after repeated interruptions');
    if (await this.deps.store.save(execution.id, [], { status: 'failed', error })) {
      this.emit(execution, 'execution.finished', 'failed', { error });
      await this.deps.onFinished?.(execution, 'failed', error);
    }
  }

  private emit(execution: ExecutionData, type: ExecutionEventType, status: ExecutionEvent['status'], extra: Partial<ExecutionEvent> = {}): void {
    this.deps.bus.publish({
      type,
      executionId: execution.id,
      flowId: execution.flowId,
      subaccountId: execution.subaccountId,
      status,
      at: new Date().toISOString(),
      ...extra,
    });
  }

  private emitStep(execution: ExecutionData, step: StepState): void {
    const type = `step.${step.status === 'running' ? 'started' : step.status}` as ExecutionEventType;
    this.emit(execution, type, step.status, {
      nodeId: step.nodeId,
      attempt: step.attempt,
      ...(step.outputs ? { output: nodeValue(step) } : {}),
      ...(step.error ? { error: step.error } : {}),
      ...(isPinned(step) ? { pinned: true } : {}),
    });
  }

  private async drive(execution: ExecutionData, signal: AbortSignal, fresh: boolean): Promise<void> {
    const { store } = this.deps;
    const flow = await this.deps.loadFlow(execution.flowId, execution.flowVersion);
    // The first write of a run sets startedAt with its steps, so an execution without startedAt has no
    // committed steps: a fresh one needs no read. (A job delivered again after a crash has startedAt.)
    const steps = fresh && !execution.startedAt ? new Map<string, StepState>() : await store.steps(execution.id);
    const firstRun = !execution.startedAt;
    const startedAt = execution.startedAt ?? new Date();
    if (firstRun) this.emit(execution, 'execution.started', 'running');
    const pending: StepState[] = [];
    const record = (step: StepState) => {
      steps.set(step.nodeId, step);
      pending.push(step);
      this.emitStep(execution, step);
    };
    // The first write marks the execution running (an inline one was stored queued) with its start time.
    let unmarked = !execution.startedAt;
    const flush = async () => {
      if (!pending.length && !unmarked) return;
      await store.save(execution.id, pending.splice(0), unmarked ? { status: 'running', startedAt } : undefined);
      unmarked = false;
    };
    const finish = async (status: ExecutionStatus, error: StepError | null, resumeAt: Date | null = null) => {
      const applied = await store.save(execution.id, pending.splice(0), { status, error, resumeAt, startedAt });
      if (!applied) return; // cancelled meanwhile: the cancel already announced the end
      if (status === 'waiting') {
        this.emit(execution, 'execution.waiting', status);
        // A decision or a child's end may have landed while this run was still going: look once more.
        await this.deps.onParked?.(execution);
        return;
      }
      this.emit(execution, 'execution.finished', status, error ? { error } : {});
      await this.deps.onFinished?.(execution, status, error);
    };

    try {
      // A run resumed after a crash may find the stop it had reached already stored.
      if ([...steps.values()].some((s) => s.status === 'succeeded' && s.wait?.stop)) return await finish('succeeded', null);
      for (;;) {
        const wave = this.readyNodes(flow, steps);
        if (!wave.length) break;
        const results = await Promise.all(wave.map((nodeId) => this.settle(flow, execution, steps, nodeId, signal, record, flush)));
        const unrouted = results.find((r) => r && r.status === 'failed' && !r.outputs);
        if (unrouted) {
          const definition = flow.definitions.get(unrouted.nodeId);
          const stopped = unrouted.error!.code === STOPPED_CODE;
          const error = stopped ? unrouted.error! : { ...unrouted.error!, message: `${definition?.title ?? 'Node'} "${unrouted.nodeId}" failed: ${unrouted.error!.message}` };
          return await finish('failed', error);
        }
        if (results.some((r) => r?.wait?.stop)) return await finish('succeeded', null);
      }
      const waiting = [...steps.values()].filter((s) => s.status === 'waiting');
      if (waiting.length) {
        const times = waiting.map((s) => (typeof s.wait?.until === 'string' ? Date.parse(s.wait.until) : NaN)).filter((t) => !Number.isNaN(t));
        return await finish('waiting', null, times.length ? new Date(Math.min(...times)) : null);
      }
      await finish('succeeded', null);
    } catch (err) {
      if (err instanceof CancelledError) {
        await flush().catch(() => undefined);
        return;
      }
      throw err;
    }
  }

  /** Nodes not yet settled whose parents all have (waiting steps count as not settled). */
  private readyNodes(flow: CompiledFlow, steps: Map<string, StepState>): string[] {
    const ready: string[] = [];
    for (const nodeId of flow.order) {
      const step = steps.get(nodeId);
      if (step && SETTLED.has(step.status)) continue;
      if (flow.loopOf.has(nodeId)) continue; // run by its loop, once per element
      if (step?.status === 'waiting' && !this.resumeEvent(step)) continue;
      const parents = (flow.incoming.get(nodeId) ?? []).map((e) => steps.get(e.source));
      if (parents.every((p) => p && SETTLED.has(p.status))) ready.push(nodeId);
    }
    return ready;
  }

  /** A skipped loop skips its whole branch (the main walk never visits branch nodes). */
  private skipLoopBody(flow: CompiledFlow, nodeId: string, record: (step: StepState) => void): void {
    for (const member of flow.loopBodies.get(nodeId) ?? []) record(skippedStep(member));
  }

  private resumeEvent(step: StepState): ResumeEvent | null {
    const wait = step.wait ?? {};
    const child = wait.child as ChildOutcome | undefined;
    if (child && child.status !== 'running') return { kind: 'call', child };
    if (typeof wait.decision === 'string') {
      return { kind: 'approval', decision: wait.decision as 'approved' | 'rejected', comment: wait.comment as string | undefined, decidedBy: wait.decidedBy as string | undefined, state: wait.state as never };
    }
    if (typeof wait.until === 'string' && Date.parse(wait.until) <= Date.now()) return { kind: 'timer', state: wait.state as never };
    return null;
  }

  private async settle(
    flow: CompiledFlow,
    execution: ExecutionData,
    steps: Map<string, StepState>,
    nodeId: string,
    signal: AbortSignal,
    record: (step: StepState) => void,
    flush: () => Promise<void>,
  ): Promise<StepState | null> {
    const node = flow.nodes.get(nodeId)!;
    const definition = flow.definitions.get(nodeId)!;
    const isStart = definition.trigger && execution.trigger.nodeId === nodeId;
    const { live, input: joined } = liveInput(flow, nodeId, steps);
    if (!isStart && !live.length) {
      const skipped = skippedStep(nodeId);
      record(skipped);
      this.skipLoopBody(flow, nodeId, record);
      return skipped;
    }
    const pin = pinFor(execution, nodeId);
    if (pin) {
      const pinned = pinnedStep(node, definition, pin.value);
      record(pinned);
      return pinned;
    }
    const input = isStart ? execution.input : joined;
    const trigger = steps.get(execution.trigger.nodeId);
    const triggerValue = isStart ? execution.input : trigger ? nodeValue(trigger) : undefined;
    const scope = scopeFor(input, triggerValue, steps.values(), { id: execution.id, flowId: execution.flowId });
    const previous = steps.get(nodeId);
    const resume = previous?.status === 'waiting' ? (this.resumeEvent(previous) ?? undefined) : undefined;
    if (commitsAlone(definition)) await flush();
    const ceilings = this.deps.ceilingsOf?.(execution.subaccountId);
    const base = {
      execution: { id: execution.id, flowId: execution.flowId, subaccountId: execution.subaccountId },
      signal,
      allowPrivateNetwork: this.deps.allowPrivateNetwork,
      sandbox: this.deps.sandbox,
      observe: this.deps.observeStep,
      integrations: this.deps.integrations,
      ceilings: ceilings instanceof Promise ? await ceilings : ceilings,
    };
    const step = await runObservedStep({
      ...base,
      node,
      definition,
      input,
      scope,
      resume,
      previous: resume ? previous : undefined,
      onAttempt: (attempt) => {
        if (!definition.pure) this.emit(execution, 'step.started', 'running', { nodeId, attempt });
      },
    });
    if (definition.loop && step.status === 'succeeded') {
      const outcome = await runLoop({
        flow,
        loopId: nodeId,
        items: (step.outputs?.[definition.loop.port] as unknown[]) ?? [],
        outer: steps,
        trigger: triggerValue,
        concurrency: definition.loop.concurrency(node.config as never),
        continueOnError: definition.loop.continueOnError(node.config as never),
        base,
        pinOf: (id) => pinFor(execution, id),
      });
      for (const bodyStep of outcome.steps) record(bodyStep);
      const succeeded = outcome.results.filter((r) => 'output' in r).length;
      if (outcome.failure) {
        const { index, nodeId: failedNode, ...error } = outcome.failure;
        Object.assign(step, { status: 'failed', outputs: null, error: { ...error, message: `item ${index}: node "${failedNode}" failed: ${error.message}` } });
      } else {
        step.outputs = { [definition.loop.donePort]: { results: outcome.results, succeeded, failed: outcome.results.length - succeeded } };
      }
    }
    if (step.status === 'failed' && (flow.outgoing.get(nodeId) ?? []).some((e) => e.sourcePort === 'error')) {
      // A wired error port turns the failure into data for the error branch.
      step.outputs = { error: { ...step.error, nodeId, input } };
    }
    if (step.respond) {
      this.deps.bus.control({ type: 'respond', executionId: execution.id, response: step.respond });
      delete step.respond;
    }
    record(step);
    if (step.status === 'waiting') {
      await flush();
      await this.deps.onWaiting?.(execution, step);
    } else if (commitsAlone(definition)) {
      await flush();
    }
    return step;
  }
}
