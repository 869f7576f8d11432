import type { Transaction } from 'sequelize';
import type { ChildOutcome, Json } from '../../nodes/contract.js';
import type { Models } from '../db/models/index.js';
import type { ExecutionData, ExecutionRow, ExecutionStatus, FlowRow, StepError } from '../db/models/runtime.js';
import type { CompiledFlow } from './graph.js';
import type { ExecutionGate } from '../billing/gate.js';
import type { StepState } from './store.js';

/** How deep `flow.call` may nest: a flow that calls itself (directly or not) stops here with a clear error. */
export const MAX_CALL_DEPTH = 10;
/** A child's result travels in its parent's step state: bounded like a step's output. */
const MAX_CHILD_OUTPUT_BYTES = 1024 * 1024;

interface StartChild {
  flow: Pick<FlowRow, 'id' | 'subaccountId' | 'version'>;
  triggerNodeId: string;
  triggerType: string;
  input: unknown;
  trigger: ExecutionRow['trigger'];
  parentExecutionId: string;
}

export interface ChildFlowDeps {
  models: Models;
  loadFlow(flowId: string, version: number): Promise<CompiledFlow>;
  create(request: StartChild, transaction: Transaction): Promise<ExecutionRow>;
  dispatch(executionId: string): Promise<void>;
  lastOutput(executionId: string): Promise<unknown>;
  /** Plan limits (billing on): a child past the month's executions is stored held and starts once the limit allows. */
  gate?(): ExecutionGate | undefined;
}

type CallWait = { call?: { flowId: string; input: Json; detach?: boolean }; child?: ChildOutcome };

/**
 * `flow.call`: the calling step waits (no process held) while a child execution of another flow runs;
 * the child's end is written into the waiting step and wakes the parent, in whichever process.
 */
export class ChildFlows {
  constructor(private readonly deps: ChildFlowDeps) {}

  /** Starts the child a waiting `flow.call` step asks for, once (a resumed run finds it started). */
  async open(execution: ExecutionData, step: StepState): Promise<void> {
    const wait = (step.wait ?? {}) as CallWait;
    if (!wait.call || wait.child) return;
    const { models } = this.deps;
    const call = wait.call;
    const refusal = await this.refusal(execution, call.flowId);
    const flow = refusal ? null : await models.Flow.findOne({ where: { id: call.flowId, subaccountId: execution.subaccountId } });
    const compiled = flow ? await this.deps.loadFlow(flow.id, flow.version) : null;
    // A child counts like any execution (a test parent's do not); past the limit it waits held, and so does its parent.
    const gate = flow && !('mode' in execution && execution.mode === 'test') ? this.deps.gate?.() : undefined;
    const admitted = !gate || (await gate.allowsSubaccount(execution.subaccountId));
    const childId = await models.Execution.sequelize!.transaction(async (transaction) => {
      const row = await models.Step.findOne({ where: { executionId: execution.id, nodeId: step.nodeId }, transaction });
      if (!row || (row.wait as CallWait | null)?.child) return null;
      if (!flow || !compiled) {
        const error = refusal ?? { message: `There is no flow ${call.flowId} in this sub-account to call.`, code: 'flow_not_found' };
        await row.update({ wait: { ...row.wait, child: { status: 'failed', error } } }, { transaction });
        return null;
      }
      const triggerNodeId = compiled.triggers.find((id) => compiled.nodes.get(id)?.type === 'trigger.manual') ?? compiled.triggers[0];
      const child = await this.deps.create(
        {
          flow,
          triggerNodeId,
          triggerType: 'call',
          input: call.input,
          trigger: { type: 'call', nodeId: triggerNodeId, parentExecutionId: execution.id, parentNodeId: step.nodeId },
          parentExecutionId: execution.id,
        },
        transaction,
      );
      if (!admitted) await gate!.hold(child.id, transaction);
      const status = call.detach ? 'started' : 'running';
      await row.update({ wait: { ...row.wait, child: { executionId: child.id, status } } }, { transaction });
      return child.id;
    });
    if (childId && admitted) {
      await gate?.startedIn(execution.subaccountId);
      await this.deps.dispatch(childId);
    }
    if (!childId || call.detach) await this.wake(execution.id);
  }

  /** A child ended: its result goes into the parent's waiting step, and the parent goes on. */
  async finished(execution: ExecutionData, status: ExecutionStatus, error: StepError | null): Promise<void> {
    const parentExecutionId = execution.trigger.parentExecutionId;
    const parentNodeId = execution.trigger.parentNodeId;
    if (execution.trigger.type !== 'call' || !parentExecutionId || !parentNodeId) return;
    const outcome: ChildOutcome = { executionId: execution.id, status: status as ChildOutcome['status'] };
    if (status === 'succeeded') {
      const output = ((await this.deps.lastOutput(execution.id)) ?? null) as Json;
      if (Buffer.byteLength(JSON.stringify(output)) > MAX_CHILD_OUTPUT_BYTES) {
        Object.assign(outcome, { status: 'failed', error: { message: `The called flow's result is larger than ${MAX_CHILD_OUTPUT_BYTES} bytes.`, code: 'output_too_large' } });
      } else {
        outcome.output = output;
      }
    } else {
      outcome.error = { message: error?.message ?? `The called flow's execution ended ${status}.`, code: error?.code ?? `child_${status}` };
    }
    const step = await this.deps.models.Step.findOne({ where: { executionId: parentExecutionId, nodeId: parentNodeId, status: 'waiting' } });
    const child = (step?.wait as CallWait | null)?.child;
    if (!step || child?.executionId !== execution.id || child.status !== 'running') return; // detached, or already told
    await step.update({ wait: { ...step.wait, child: outcome } });
    await this.wake(parentExecutionId);
  }

  /** Queues a waiting execution whose waiting step has what it waited for; no-op while it still runs. */
  async wake(executionId: string): Promise<void> {
    const [count] = await this.deps.models.Execution.update({ status: 'queued', resumeAt: null }, { where: { id: executionId, status: 'waiting' } });
    if (count) await this.deps.dispatch(executionId);
  }

  /**
   * An execution just stored as waiting: if what a step waits for arrived while it was still running
   * (a child that ended fast, a decision), nobody could wake it then, so wake it now.
   */
  async parked(execution: ExecutionData): Promise<void> {
    const steps = await this.deps.models.Step.findAll({ where: { executionId: execution.id, status: 'waiting' } });
    const ready = steps.some((s) => {
      const wait = (s.wait ?? {}) as CallWait & { decision?: unknown };
      return typeof wait.decision === 'string' || (wait.child !== undefined && wait.child.status !== 'running');
    });
    if (ready) await this.wake(execution.id);
  }

  /** Why the call cannot start: no such flow in the sub-account, or nested too deep. */
  private async refusal(execution: ExecutionData, flowId: string): Promise<{ message: string; code: string } | null> {
    const flow = await this.deps.models.Flow.findOne({ where: { id: flowId, subaccountId: execution.subaccountId }, attributes: ['id'] });
    if (!flow) return { message: `There is no flow ${flowId} in this sub-account to call.`, code: 'flow_not_found' };
    let depth = 1;
    let parent = execution.trigger.parentExecutionId;
    while (parent) {
      if (++depth > MAX_CALL_DEPTH) {
        return { message: `Flows call each other more than ${MAX_CALL_DEPTH} levels deep (does a flow call itself?); the call was refused.`, code: 'call_depth_exceeded' };
      }
      const row = await this.deps.models.Execution.findOne({ where: { id: parent }, attributes: ['trigger'] });
      parent = row?.trigger.parentExecutionId;
    }
    return null;
  }
}

/** Children of an execution, for the executions API. */
export const childrenOf = (models: Models, executionId: string) =>
  models.Execution.findAll({ where: { parentExecutionId: executionId }, attributes: ['id', 'flowId', 'status', 'createdAt'], order: [['id', 'ASC']], limit: 200 });
