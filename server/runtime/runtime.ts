import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Op, type Transaction } from 'sequelize';
import type { NodeRegistry } from '../../nodes/registry.js';
import type { Models } from '../db/models/index.js';
import { FINAL_STATUSES, type ExecutionData, type ExecutionMode, type ExecutionRow, type ExecutionStatus, type FlowRow, type PinData, type StepError } from '../db/models/runtime.js';
import { newId } from '../db/columns.js';
import { deleteInBatches } from '../db/delete-in-batches.js';
import type { Dispatcher } from './dispatch.js';
import type { EventBus } from './events.js';
import { Executor } from './executor.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { compileFlow, type CompiledFlow } from './graph.js';
import type { WebhookResponse } from '../../nodes/contract.js';
import { IntegrationAccess } from '../integrations/access.js';
import { ChildFlows } from './child-flows.js';
import { revealGraph } from '../integrations/node-secrets.js';
import type { StepObserver } from './step-runner.js';
import { ExecutionStore, type StepState } from './store.js';
import type { ExecutionGate } from '../billing/gate.js';
import { runNode, type NodeRun, type NodeRunRequest } from './node-run.js';

export interface RuntimeOptions {
  models: Models;
  registry: NodeRegistry;
  bus: EventBus;
  logger: Logger;
  leaseMs?: number;
  sweepMs?: number;
  allowPrivateNetwork?: boolean;
  /** Where user-controlled evaluation runs (expressions, rules), under time and memory limits. */
  sandbox: Sandbox;
  /** Unseals secrets written in node configs (server/integrations/node-secrets.ts) for the steps that use them. */
  encryptionKey: Buffer;
  /** Days finished executions are kept; 0 keeps them forever. */
  retentionDays?: number;
  /** Minutes finished executions are kept; when set (> 0) it overrides retentionDays. */
  retentionMinutes?: number;
  /** Told every step's node type, status and duration (/metrics). */
  observeStep?: StepObserver;
  /** Accepted executions not yet started past which new work is refused (MAX_BACKLOG). */
  maxBacklog?: number;
}

/**
 * Requests held open until their execution ends (`?wait=true`, `respond: onCompleted`) at once; past
 * it a new one is answered at once as if its wait had timed out (202 with the execution id).
 */
export const MAX_WAITERS = 10_000;

// Often and in small pieces (`deleteInBatches`), so no prune is a long stretch of deletes (at 600
// executions/s a ten-minute period would delete 360,000 at once).
const PRUNE_EVERY_MS = 60_000;

export interface StartRequest {
  flow: Pick<FlowRow, 'id' | 'subaccountId' | 'version'>;
  triggerNodeId: string;
  triggerType: string;
  input: unknown;
  retryOf?: string;
  /** Steps copied from an earlier execution (retry): their outputs are reused, not recomputed. */
  steps?: StepState[];
  version?: number;
  /** The whole trigger record, when it says more than type and node (a child of `flow.call`). */
  trigger?: ExecutionRow['trigger'];
  parentExecutionId?: string;
  /**
   * `test` (the editor's test runs, runs started by listening for a test event): pinned nodes emit their
   * pins, and billing does not count the execution. Absent means production.
   */
  mode?: ExecutionMode;
  /** The pins a test execution runs with; ignored unless `mode` is test. */
  pinData?: PinData | null;
}

/** The flow engine's front door: start, cancel, retry, decide, wait; recovery of abandoned executions. */
export class Runtime {
  readonly store: ExecutionStore;
  readonly executor: Executor;
  private dispatcher?: Dispatcher;
  private readonly flows = new Map<string, Promise<CompiledFlow>>();
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private waiters = 0;

  private readonly children: ChildFlows;
  private readonly integrations: IntegrationAccess;
  /** Plan limits on the executions started (every kind but test runs) and the code node's ceilings; unset when billing is off. */
  gate?: ExecutionGate;

  constructor(private readonly options: RuntimeOptions) {
    this.children = new ChildFlows({
      models: options.models,
      loadFlow: (flowId, version) => this.loadFlow(flowId, version),
      create: (request, transaction) => this.create(request, transaction),
      dispatch: (executionId) => this.dispatch(executionId),
      lastOutput: (executionId) => this.lastOutput(executionId),
      gate: () => this.gate,
    });
    this.integrations = new IntegrationAccess(options.models, options.encryptionKey);
    this.store = new ExecutionStore(options.models, `${process.pid}:${randomUUID().slice(0, 8)}`, options.leaseMs ?? 30_000);
    this.executor = new Executor({
      store: this.store,
      bus: options.bus,
      logger: options.logger,
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
      sandbox: options.sandbox,
      loadFlow: (flowId, version) => this.loadFlow(flowId, version),
      onWaiting: async (execution, step) => {
        await this.openApproval(execution, step);
        await this.children.open(execution, step);
      },
      onParked: (execution) => this.children.parked(execution),
      onFinished: async (execution, status, error) => {
        await this.children.finished(execution, status, error);
        await this.startErrorFlow(execution, status, error);
      },
      observeStep: options.observeStep,
      integrations: this.integrations,
      ceilingsOf: (subaccountId) => this.gate?.ceilings(subaccountId),
    });
  }

  /** Runs one node of a flow in test mode and answers its step; nothing is stored (CONTRACT §5, the editor's "run this node"). */
  runNode(request: NodeRunRequest): Promise<NodeRun> {
    const { models, sandbox, allowPrivateNetwork, observeStep } = this.options;
    const ceilingsOf = (subaccountId: string) => this.gate?.ceilings(subaccountId);
    return runNode({ models, store: this.store, sandbox, allowPrivateNetwork: allowPrivateNetwork ?? false, integrations: this.integrations, observeStep, ceilingsOf }, request);
  }

  get models(): Models {
    return this.options.models;
  }

  setDispatcher(dispatcher: Dispatcher): void {
    this.dispatcher = dispatcher;
  }

  /** Compiled once per flow version: versions are immutable. */
  loadFlow(flowId: string, version: number): Promise<CompiledFlow> {
    const key = `${flowId}@${version}`;
    let compiled = this.flows.get(key);
    if (!compiled) {
      compiled = this.models.FlowVersion.findOne({ where: { flowId, version } }).then((row) => {
        if (!row) throw new Error(`flow ${flowId} has no version ${version}`);
        return compileFlow(revealGraph(row.graph, this.options.registry, this.options.encryptionKey), this.options.registry);
      });
      compiled.catch(() => this.flows.delete(key));
      if (this.flows.size > 1000) this.flows.delete(this.flows.keys().next().value as string);
      this.flows.set(key, compiled);
    }
    return compiled;
  }

  /** Stores a queued execution (inside the caller's transaction, if any); call `dispatch` after commit. */
  async create(request: StartRequest, transaction?: Transaction): Promise<ExecutionRow> {
    const id = newId();
    const execution = await this.models.Execution.create(
      {
        id,
        flowId: request.flow.id,
        subaccountId: request.flow.subaccountId,
        flowVersion: request.version ?? request.flow.version,
        status: 'queued',
        trigger: request.trigger ?? { type: request.triggerType, nodeId: request.triggerNodeId },
        parentExecutionId: request.parentExecutionId ?? null,
        input: request.input ?? null,
        error: null,
        retryOf: request.retryOf ?? null,
        mode: request.mode ?? 'production',
        pinData: request.mode === 'test' ? (request.pinData ?? null) : null,
        ...(request.steps?.length ? {} : this.reservation(id)),
      },
      { transaction },
    );
    if (request.steps?.length) {
      await this.models.Step.bulkCreate(
        request.steps.map((s) => ({ ...s, id: newId(), executionId: execution.id, logs: s.logs.length ? s.logs : null })),
        { transaction },
      );
    }
    return execution;
  }

  /**
   * In inline mode a new execution is stored already reserved for this process (status queued, with a
   * lease), so running it needs no claim round trip; in queue mode any worker takes it. A process with
   * no room (or older work waiting in the database) does not reserve: the execution waits in the database
   * for whichever process pulls it. `bytes`: roughly what holding its input costs.
   */
  reservation(executionId: string, bytes?: number): { leaseOwner: string; leaseExpiresAt: Date } | Record<string, never> {
    return this.dispatcher?.reserve(executionId, bytes) ? this.store.reservation() : {};
  }

  /**
   * Whether accepted executions not yet started have reached MAX_BACKLOG: webhooks and manual runs are then
   * refused (503, nothing stored) until the backlog drains. Cheap: the dispatcher's own count, no query.
   */
  get overloaded(): boolean {
    const bound = this.options.maxBacklog;
    return bound !== undefined && !!this.dispatcher && this.dispatcher.backlog() >= bound;
  }

  /** `fresh`: the execution as just created here, so an inline run can skip reading it back. */
  async dispatch(executionId: string, fresh?: ExecutionData): Promise<void> {
    if (!this.dispatcher) throw new Error('runtime has no dispatcher');
    await this.dispatcher.enqueue(executionId, fresh);
  }

  async start(request: StartRequest): Promise<ExecutionRow> {
    // Plan limits: counted here; a run or retry past the month's executions is refused before anything is stored.
    await this.gate?.admitStart(request);
    const execution = await this.create(request);
    await this.dispatch(execution.id, request.steps?.length ? undefined : execution);
    return execution;
  }

  /**
   * Resolves with the execution once it is final (or waiting), or null after the timeout, or at once when
   * MAX_WAITERS requests already wait (so a flood of waiting requests holds bounded memory).
   */
  async waitFor(executionId: string, timeoutMs: number, settleOn: readonly ExecutionStatus[] = FINAL_STATUSES): Promise<ExecutionRow | null> {
    if (this.waiters >= MAX_WAITERS) return null;
    this.waiters++;
    return new Promise((resolve) => {
      let done = false;
      const finish = (row: ExecutionRow | null) => {
        if (done) return;
        done = true;
        this.waiters--;
        clearTimeout(timer);
        off();
        resolve(row);
      };
      const check = () =>
        this.models.Execution.findByPk(executionId).then((row) => {
          if (row && settleOn.includes(row.status)) finish(row);
        });
      const off = this.options.bus.onExecution(executionId, (event) => {
        if (event.type === 'execution.finished' || event.type === 'execution.waiting') void check();
      });
      const timer = setTimeout(() => finish(null), timeoutMs);
      void check();
    });
  }

  /**
   * For `respond: "onResponseNode"`: resolves with the answer a `webhook.respond` node gave (from any
   * process), or with the execution once it is final without one, or null after the timeout. Call it
   * before dispatching, so an answer given at once is not missed.
   */
  waitForResponse(executionId: string, timeoutMs: number): Promise<{ response: WebhookResponse } | { finished: ExecutionRow } | null> {
    let off = (): void => undefined;
    const answered = new Promise<{ response: WebhookResponse }>((resolve) => {
      off = this.options.bus.onControl((message) => {
        if (message.type === 'respond' && message.executionId === executionId) resolve({ response: message.response });
      });
    });
    const finished = this.waitFor(executionId, timeoutMs).then((row) => (row ? { finished: row } : null));
    return Promise.race([answered, finished]).finally(off);
  }

  /** The output of the last node (in graph order) that succeeded: what `respond: onCompleted` answers. */
  async lastOutput(executionId: string): Promise<unknown> {
    const execution = await this.models.Execution.findByPk(executionId);
    if (!execution) return undefined;
    const flow = await this.loadFlow(execution.flowId, execution.flowVersion);
    const steps = await this.store.steps(executionId);
    const last = [...flow.order].reverse().find((id) => steps.get(id)?.status === 'succeeded');
    const outputs = last ? steps.get(last)!.outputs : null;
    if (!outputs) return undefined;
    const ports = Object.keys(outputs);
    return ports.length === 1 ? outputs[ports[0]] : outputs;
  }

  async cancel(execution: ExecutionRow): Promise<boolean> {
    const [count] = await this.models.Execution.update(
      { status: 'cancelled', finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null, resumeAt: null },
      { where: { id: execution.id, status: { [Op.notIn]: FINAL_STATUSES as ExecutionStatus[] } } },
    );
    if (!count) return false;
    await this.models.Approval.update({ status: 'rejected', comment: 'execution cancelled', decidedAt: new Date() }, { where: { executionId: execution.id, status: 'pending' } });
    this.options.bus.control({ type: 'cancel', executionId: execution.id });
    this.options.bus.publish({
      type: 'execution.finished',
      executionId: execution.id,
      flowId: execution.flowId,
      subaccountId: execution.subaccountId,
      status: 'cancelled',
      at: new Date().toISOString(),
    });
    return true;
  }

  /** A new execution of the same version that keeps the succeeded steps and runs the rest again. */
  async retry(execution: ExecutionRow): Promise<ExecutionRow> {
    const steps = await this.store.steps(execution.id);
    const kept = [...steps.values()].filter((s) => s.status === 'succeeded' && !(s.outputs && '$truncated' in s.outputs));
    return this.start({
      flow: { id: execution.flowId, subaccountId: execution.subaccountId, version: execution.flowVersion },
      triggerNodeId: execution.trigger.nodeId,
      triggerType: execution.trigger.type,
      input: execution.input,
      retryOf: execution.id,
      steps: kept,
      mode: execution.mode,
      pinData: execution.pinData,
    });
  }

  private async openApproval(execution: ExecutionData, step: StepState): Promise<void> {
    const approval = step.wait?.approval as { title?: string; description?: string } | undefined;
    if (!approval) return;
    const exists = await this.models.Approval.findOne({ where: { executionId: execution.id, nodeId: step.nodeId, status: 'pending' } });
    if (exists) return;
    await this.models.Approval.create({
      subaccountId: execution.subaccountId,
      flowId: execution.flowId,
      executionId: execution.id,
      nodeId: step.nodeId,
      title: String(approval.title ?? 'Approval needed').slice(0, 500),
      description: approval.description ?? null,
      status: 'pending',
    });
  }

  /** Records a person's decision on the waiting step and queues the execution to go on. */
  async decide(approvalId: string, decision: 'approved' | 'rejected', decidedBy: string | null, comment?: string): Promise<boolean> {
    const executionId = await this.models.Approval.sequelize!.transaction(async (transaction) => {
      const approval = await this.models.Approval.findByPk(approvalId, { transaction });
      if (!approval) return null;
      const [count] = await this.models.Approval.update(
        { status: decision, decidedBy, comment: comment ?? null, decidedAt: new Date() },
        { where: { id: approvalId, status: 'pending' }, transaction },
      );
      if (!count) return null;
      const step = await this.models.Step.findOne({ where: { executionId: approval.executionId, nodeId: approval.nodeId }, transaction });
      if (step) await step.update({ wait: { ...step.wait, decision, comment, decidedBy } }, { transaction });
      await this.models.Execution.update({ status: 'queued', resumeAt: null }, { where: { id: approval.executionId, status: 'waiting' }, transaction });
      return approval.executionId;
    });
    if (!executionId) return false;
    await this.dispatch(executionId);
    return true;
  }

  private async startErrorFlow(execution: ExecutionData, status: ExecutionStatus, error: StepError | null): Promise<void> {
    if (status !== 'failed') return;
    const flow = await this.models.Flow.findByPk(execution.flowId);
    if (!flow?.errorFlowId || flow.errorFlowId === flow.id) return;
    const errorFlow = await this.models.Flow.findOne({ where: { id: flow.errorFlowId, subaccountId: execution.subaccountId } });
    if (!errorFlow) return;
    const compiled = await this.loadFlow(errorFlow.id, errorFlow.version);
    const triggerNodeId = compiled.triggers[0];
    if (!triggerNodeId) return;
    await this.start({
      flow: errorFlow,
      triggerNodeId,
      triggerType: 'error',
      input: { execution: { id: execution.id, flowId: execution.flowId, flowName: flow.name, error } },
    });
  }

  /**
   * Finds executions nobody is running (lease expired, timer due, dispatch lost) and dispatches them again.
   * Queued ones an inline dispatcher pulls itself, oldest first and in batches: the sweep only wakes it.
   */
  async sweep(): Promise<number> {
    const now = new Date();
    const pulls = !!this.dispatcher?.wake;
    const rows = await this.models.Execution.findAll({
      attributes: ['id'],
      where: {
        [Op.or]: [
          { status: 'running', leaseExpiresAt: { [Op.lt]: now } },
          { status: 'waiting', resumeAt: { [Op.lte]: now } },
          // Reserved by nobody or by a process gone quiet (a process holds what it reserved in memory).
          ...(pulls ? [] : [{ status: 'queued', updatedAt: { [Op.lt]: new Date(now.getTime() - 5_000) }, [Op.or]: [{ leaseExpiresAt: null }, { leaseExpiresAt: { [Op.lt]: now } }] }]),
        ],
      },
      limit: 500,
    });
    for (const row of rows) await this.dispatch(row.id);
    this.dispatcher?.wake?.();
    return rows.length;
  }

  /** How long finished executions are kept, ms; 0 keeps them forever. */
  private retentionMs(): number {
    const { retentionMinutes, retentionDays } = this.options;
    return retentionMinutes ? retentionMinutes * 60_000 : (retentionDays ?? 0) * 86_400_000;
  }

  /**
   * Deletes finished executions (with their steps and approvals) older than the retention (given in days,
   * or the configured one), and webhook inbox rows past it; rows holding an idempotency key also stay
   * for the 24 h dedupe window. Batched so no delete of executions holds locks long.
   */
  async prune(retentionDays?: number, now = new Date()): Promise<number> {
    const keepMs = retentionDays === undefined ? this.retentionMs() : retentionDays * 86_400_000;
    if (!keepMs) return 0;
    const cutoff = new Date(now.getTime() - keepMs);
    const removed = await deleteInBatches(this.models.Execution, { status: { [Op.in]: FINAL_STATUSES as ExecutionStatus[] }, finishedAt: { [Op.lt]: cutoff } });
    const inboxCutoff = new Date(Math.min(cutoff.getTime(), now.getTime() - 86_400_000));
    await deleteInBatches(this.models.WebhookEvent, { createdAt: { [Op.lt]: cutoff }, idempotencyKey: null });
    await deleteInBatches(this.models.WebhookEvent, { createdAt: { [Op.lt]: inboxCutoff } });
    return removed;
  }

  /** Sweeps now (recovery at start) and then on a timer; prunes every minute, or every retention period when shorter. */
  startSweeper(): void {
    let lastPrune = 0;
    const pruneEveryMs = Math.min(PRUNE_EVERY_MS, this.retentionMs() || PRUNE_EVERY_MS);
    const tick = async () => {
      try {
        await this.sweep();
        if (Date.now() - lastPrune > pruneEveryMs) {
          lastPrune = Date.now();
          await this.prune();
        }
      } catch (err) {
        this.options.logger.error({ err }, 'recovery sweep failed');
      }
    };
    // One sweep at a time: a slow one is not overlapped by the next, and stopSweeper can wait for it.
    const run = () => {
      this.sweeping ??= tick().finally(() => (this.sweeping = undefined));
    };
    run();
    this.sweeper = setInterval(run, this.options.sweepMs ?? 2_000);
    this.sweeper.unref();
  }

  /** Stops the timer and waits for a sweep in flight, so nothing is dispatched after the queue closes. */
  async stopSweeper(): Promise<void> {
    clearInterval(this.sweeper);
    await this.sweeping;
  }
}
