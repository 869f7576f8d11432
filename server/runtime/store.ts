import { Op, type Transaction } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { ExecutionData, ExecutionStatus, StepError, StepStatus } from '../db/models/runtime.js';
import { GroupCommit } from '../db/group-commit.js';
import { newId } from '../db/columns.js';

/** A step as the engine holds it in memory; persisted as one execution_steps row. */
export interface StepState {
  nodeId: string;
  status: StepStatus;
  attempt: number;
  outputs: Record<string, unknown> | null;
  error: StepError | null;
  logs: string[];
  wait: Record<string, unknown> | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const MAX_STEP_OUTPUT_BYTES = 1024 * 1024;

/** Caps what is stored (not what children receive): one huge payload must not bloat the store. */
function capOutputs(outputs: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!outputs) return outputs;
  const size = Buffer.byteLength(JSON.stringify(outputs));
  if (size <= MAX_STEP_OUTPUT_BYTES) return outputs;
  return { $truncated: { bytes: size, limit: MAX_STEP_OUTPUT_BYTES, ports: Object.keys(outputs) } };
}

/** The engine's persistence: leases, steps and final states. Knows nothing of HTTP. */
interface SaveRequest {
  executionId: string;
  steps: StepState[];
  execution?: ExecutionUpdate;
  applied?: boolean;
}

export interface ExecutionUpdate {
  status: ExecutionStatus;
  error?: StepError | null;
  resumeAt?: Date | null;
  startedAt?: Date;
}

export class ExecutionStore {
  /** Step and status writes of all executions running in this process share commits. */
  private readonly commits: GroupCommit<SaveRequest>;

  constructor(
    private readonly models: Models,
    readonly owner: string,
    readonly leaseMs: number,
  ) {
    this.commits = new GroupCommit(models.Execution.sequelize!, (batch, transaction) => this.write(batch, transaction));
  }

  get sequelize() {
    return this.models.Execution.sequelize!;
  }

  /**
   * Takes the execution for this process if nobody holds a live lease on it (compare-and-set), so
   * several processes can race for the same execution and exactly one runs it.
   */
  /**
   * `known` is the execution as this process just created it: with it, a successful claim needs no
   * second read.
   */
  async claim(executionId: string, known?: ExecutionData): Promise<ExecutionData | null> {
    const now = new Date();
    // Reserved for this process when it was stored, and the reservation is still good: no query needed.
    if (known?.leaseOwner === this.owner && known.leaseExpiresAt && known.leaseExpiresAt.getTime() > now.getTime() + 1000) return known;
    const [count] = await this.models.Execution.update(
      { status: 'running', leaseOwner: this.owner, leaseExpiresAt: new Date(now.getTime() + this.leaseMs), resumeAt: null },
      {
        where: {
          id: executionId,
          [Op.or]: [
            { status: 'queued', [Op.or]: [{ leaseExpiresAt: null }, { leaseExpiresAt: { [Op.lt]: now } }] },
            { status: 'running', leaseExpiresAt: { [Op.lt]: now } },
            { status: 'waiting', resumeAt: { [Op.lte]: now } },
          ],
        },
      },
    );
    if (!count) return null;
    return known ?? this.models.Execution.findByPk(executionId);
  }

  /** Lease values for an execution this process stores and will run itself. */
  reservation(): { leaseOwner: string; leaseExpiresAt: Date } {
    return { leaseOwner: this.owner, leaseExpiresAt: new Date(Date.now() + this.leaseMs) };
  }

  async renew(executionId: string): Promise<boolean> {
    const [count] = await this.models.Execution.update(
      { leaseExpiresAt: new Date(Date.now() + this.leaseMs) },
      { where: { id: executionId, leaseOwner: this.owner, status: { [Op.in]: ['running', 'queued'] } } },
    );
    return count > 0;
  }

  async steps(executionId: string): Promise<Map<string, StepState>> {
    const rows = await this.models.Step.findAll({ where: { executionId } });
    return new Map(
      rows.map((r) => [
        r.nodeId,
        {
          nodeId: r.nodeId,
          status: r.status,
          attempt: r.attempt,
          outputs: r.outputs,
          error: r.error,
          logs: r.logs ?? [],
          wait: r.wait,
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
        },
      ]),
    );
  }

  /** Writes steps (insert or replace by execution + node) and optionally the execution's new state, committed before it resolves. */
  async save(executionId: string, steps: StepState[], execution?: ExecutionUpdate): Promise<boolean> {
    const request: SaveRequest = { executionId, steps, execution };
    await this.commits.add(request);
    return request.applied ?? true;
  }

  private async write(batch: SaveRequest[], transaction: Transaction): Promise<void> {
    const now = new Date();
    await this.writeSteps(batch.flatMap((r) => r.steps.map((s) => ({ executionId: r.executionId, step: s }))), transaction);
    for (const request of batch) {
      const execution = request.execution;
      if (!execution) continue;
      const final = ['succeeded', 'failed', 'cancelled'].includes(execution.status);
      // Marking an execution running keeps this process's lease; leaving running releases it.
      const lease = execution.status === 'running' ? {} : { leaseOwner: null, leaseExpiresAt: null };
      const [count] = await this.models.Execution.update(
        {
          status: execution.status,
          ...(execution.error !== undefined ? { error: execution.error } : {}),
          ...(execution.startedAt ? { startedAt: execution.startedAt } : {}),
          resumeAt: execution.resumeAt ?? null,
          ...lease,
          ...(final ? { finishedAt: now } : {}),
        },
        // A cancel that landed meanwhile wins: nothing overwrites a final state.
        { where: { id: request.executionId, status: { [Op.notIn]: ['succeeded', 'failed', 'cancelled'] } }, transaction },
      );
      request.applied = count > 0;
    }
  }

  private async writeSteps(all: { executionId: string; step: StepState }[], transaction: Transaction): Promise<void> {
    // One row per execution + node in a statement: the last state wins (PostgreSQL refuses to upsert a row twice).
    const steps = [...new Map(all.map((s) => [`${s.executionId}\u0000${s.step.nodeId}`, s])).values()];
    if (!steps.length) return;
    const now = new Date();
    await this.models.Step.bulkCreate(
      steps.map(({ executionId, step: s }) => ({
        id: newId(),
        executionId,
        nodeId: s.nodeId,
        status: s.status,
        attempt: s.attempt,
        outputs: capOutputs(s.outputs),
        error: s.error,
        logs: s.logs.length ? s.logs : null,
        wait: s.wait,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        createdAt: now,
        updatedAt: now,
      })),
      { transaction, conflictAttributes: ['executionId', 'nodeId'], updateOnDuplicate: ['status', 'attempt', 'outputs', 'error', 'logs', 'wait', 'startedAt', 'finishedAt', 'updatedAt'] },
    );
  }

  async status(executionId: string): Promise<ExecutionStatus | null> {
    const row = await this.models.Execution.findByPk(executionId, { attributes: ['status'] });
    return row?.status ?? null;
  }
}
