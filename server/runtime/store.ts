import type { WebhookResponse } from '../../nodes/contract.js';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { ExecutionData, ExecutionStatus, StepError, StepStatus } from '../db/models/runtime.js';
import { GroupCommit } from '../db/group-commit.js';
import { decodeDate, decodeJson, encoder, insertRows, updateReturningIds, type Column, type Kind } from '../db/raw.js';
import { isId, newId } from '../db/columns.js';
import { KeyBatch } from '../db/key-batch.js';

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
  /** The answer for a webhook request waiting on this execution; handed to the bus, never stored. */
  respond?: WebhookResponse;
}

export const MAX_STEP_OUTPUT_BYTES = 1024 * 1024;
const FINAL: readonly string[] = ['succeeded', 'failed', 'cancelled'];

const STEP_COLUMNS: Column[] = [
  { name: 'id' },
  { name: 'executionId' },
  { name: 'nodeId' },
  { name: 'status' },
  { name: 'attempt' },
  { name: 'outputs', kind: 'json' },
  { name: 'error', kind: 'json' },
  { name: 'logs', kind: 'json' },
  { name: 'wait', kind: 'json' },
  { name: 'startedAt', kind: 'date' },
  { name: 'finishedAt', kind: 'date' },
  { name: 'createdAt', kind: 'date' },
  { name: 'updatedAt', kind: 'date' },
];

/** Caps what is stored (not what children receive): one huge payload must not bloat the store. */
function capOutputs(outputs: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!outputs) return outputs;
  const size = Buffer.byteLength(JSON.stringify(outputs));
  if (size <= MAX_STEP_OUTPUT_BYTES) return outputs;
  return { $truncated: { bytes: size, limit: MAX_STEP_OUTPUT_BYTES, ports: Object.keys(outputs) } };
}

/** A queued execution reserved for this process by `reserveQueued`. */
export interface QueuedExecution {
  execution: ExecutionData;
  /** Size of its stored input (what holding it in memory costs, roughly). */
  bytes: number;
  /** Whether it has steps already (a retry or a decided approval): those are read before it goes on. */
  hasSteps: boolean;
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

function decodeExecution(row: Record<string, unknown>): ExecutionData {
  return {
    id: String(row.id),
    flowId: String(row.flowId),
    subaccountId: String(row.subaccountId),
    flowVersion: Number(row.flowVersion),
    trigger: decodeJson(row.trigger) as ExecutionData['trigger'],
    input: decodeJson(row.input),
    startedAt: decodeDate(row.startedAt),
    interruptions: Number(row.interruptions ?? 0),
    mode: row.mode === 'test' ? 'test' : 'production',
    pinData: decodeJson(row.pinData) as ExecutionData['pinData'],
  };
}

export class ExecutionStore {
  /** Step and status writes of all executions running in this process share commits. */
  private readonly commits: GroupCommit<SaveRequest>;
  private readonly claims: KeyBatch<Record<string, unknown>>;

  constructor(
    private readonly models: Models,
    readonly owner: string,
    readonly leaseMs: number,
  ) {
    this.commits = new GroupCommit(models.Execution.sequelize!, (batch, transaction) => this.write(batch, transaction));
    this.claims = new KeyBatch((ids) => this.claimMany(ids));
  }

  get sequelize() {
    return this.models.Execution.sequelize!;
  }

  /**
   * Takes the execution for this process if nobody holds a live lease on it (compare-and-set), so
   * several processes can race for the same execution and exactly one runs it. `known` is the execution
   * as this process just created it: with it, a successful claim needs no second read. Claims made in the
   * same tick (a queue worker taking many jobs at once) share one statement.
   */
  async claim(executionId: string, known?: ExecutionData): Promise<ExecutionData | null> {
    // Reserved for this process when it was stored, and the reservation is still good: no query needed.
    if (known?.leaseOwner === this.owner && known.leaseExpiresAt && known.leaseExpiresAt.getTime() > Date.now() + 1000) return known;
    if (!isId(executionId)) return null;
    const row = await this.claims.get(executionId);
    if (!row) return null;
    return known ?? decodeExecution(row);
  }

  /** One statement takes the leases of these executions and reads back those it took. */
  private async claimMany(ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    const pg = this.sequelize.getDialect() === 'postgres';
    const encode = encoder(this.sequelize);
    const now = new Date();
    // Ids are checked UUIDs, so the array literal needs no escaping.
    const bind = [this.owner, encode(new Date(now.getTime() + this.leaseMs), 'date'), encode(now, 'date'), pg ? `{${ids.join(',')}}` : JSON.stringify(ids)];
    const among = pg ? '"id" = ANY($4::uuid[])' : '"id" IN (SELECT "value" FROM json_each($4))';
    // Taking over a lease that ran out while the execution was running (or reserved for another
    // process) means the process running it died: that is counted, so a poison execution ends.
    const rows = await this.sequelize.query<Record<string, unknown>>(
      `UPDATE "executions" SET "status" = 'running', "leaseOwner" = $1, "leaseExpiresAt" = $2, "resumeAt" = NULL, "updatedAt" = $3,
         "interruptions" = "interruptions" + CASE WHEN "leaseExpiresAt" < $3
           AND ("status" = 'running' OR ("status" = 'queued' AND "leaseOwner" <> $1)) THEN 1 ELSE 0 END
       WHERE ${among} AND (("status" = 'queued' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < $3 OR "leaseOwner" = $1))
         OR ("status" = 'running' AND "leaseExpiresAt" < $3) OR ("status" = 'waiting' AND "resumeAt" <= $3))
       RETURNING "id", "flowId", "subaccountId", "flowVersion", "trigger", "input", "startedAt", "interruptions", "mode", "pinData"`,
      { bind, type: QueryTypes.SELECT },
    );
    return new Map(rows.map((row) => [String(row.id), row]));
  }

  /** Lease values for an execution this process stores and will run itself. */
  reservation(): { leaseOwner: string; leaseExpiresAt: Date } {
    return { leaseOwner: this.owner, leaseExpiresAt: new Date(Date.now() + this.leaseMs) };
  }

  /**
   * Reserves for this process up to `limit` of the oldest queued executions that nobody holds (never
   * reserved, or their holder's lease ran out), and reads them back: one statement per batch. The
   * conditions are checked again on every row it changes, so processes pulling at once never reserve the
   * same execution (PostgreSQL also skips rows another pull has locked). Taking over another process's
   * lapsed reservation counts an interruption, as `claim` does.
   */
  async reserveQueued(limit: number): Promise<QueuedExecution[]> {
    const pg = this.sequelize.getDialect() === 'postgres';
    const encode = encoder(this.sequelize);
    const now = new Date();
    // The owner is bound twice: PostgreSQL deduces one type per parameter, and they differ in the two places.
    const bind = [this.owner, encode(new Date(now.getTime() + this.leaseMs), 'date'), encode(now, 'date'), limit, this.owner];
    const free = (status: string) => `${status} = 'queued' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < $3)`;
    // The oldest come from the partial index of queued ids (SQLite is told to, lacking statistics); the outer
    // check must not draw SQLite to the status index (a unary + hides it), so each row is found by its key.
    const rows = await this.sequelize.query<Record<string, unknown>>(
      `UPDATE "executions" SET "leaseOwner" = $1, "leaseExpiresAt" = $2, "updatedAt" = $3,
         "interruptions" = "interruptions" + CASE WHEN "leaseOwner" IS NOT NULL AND "leaseOwner" <> $5 THEN 1 ELSE 0 END
       WHERE "id" IN (SELECT "id" FROM "executions"${pg ? '' : ' INDEXED BY "executions_queued_id"'} WHERE ${free('"status"')}
           ORDER BY "id" LIMIT $4${pg ? ' FOR UPDATE SKIP LOCKED' : ''})
         AND ${free(pg ? '"status"' : '+"status"')}
       RETURNING "id", "flowId", "subaccountId", "flowVersion", "trigger", ${pg ? '"input"::text AS "input"' : '"input"'}, "startedAt", "interruptions", "mode", "pinData",
         "leaseExpiresAt", EXISTS (SELECT 1 FROM "execution_steps" WHERE "execution_steps"."executionId" = "executions"."id") AS "hasSteps"`,
      { bind, type: QueryTypes.SELECT },
    );
    return rows
      .map((row) => ({
        execution: { ...decodeExecution(row), leaseOwner: this.owner, leaseExpiresAt: decodeDate(row.leaseExpiresAt) },
        bytes: typeof row.input === 'string' ? row.input.length : 0,
        hasSteps: row.hasSteps === true || Number(row.hasSteps) === 1,
      }))
      .sort((a, b) => (a.execution.id < b.execution.id ? -1 : 1));
  }

  /** Queued executions that nobody holds: the backlog waiting in the database alone. */
  async countQueued(): Promise<number> {
    const rows = await this.sequelize.query<{ n: unknown }>(
      `SELECT COUNT(*) AS "n" FROM "executions" WHERE "status" = 'queued' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < $1)`,
      { bind: [encoder(this.sequelize)(new Date(), 'date')], type: QueryTypes.SELECT },
    );
    return Number(rows[0]?.n ?? 0);
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
    await this.writeSteps(batch.flatMap((r) => r.steps.map((s) => ({ executionId: r.executionId, step: s }))), transaction);
    // Executions moving to the same state are updated by one statement.
    const groups = new Map<string, SaveRequest[]>();
    for (const request of batch) {
      const e = request.execution;
      if (!e) continue;
      const key = JSON.stringify([e.status, e.error === undefined ? '(keep)' : e.error, e.resumeAt?.getTime() ?? null]);
      groups.set(key, [...(groups.get(key) ?? []), request]);
    }
    for (const requests of groups.values()) {
      const applied = new Set(await this.updateExecutions(requests, transaction));
      for (const request of requests) request.applied = applied.has(request.executionId);
    }
  }

  /** One UPDATE for executions that share a new state; a cancel that landed meanwhile wins (final states are never overwritten). */
  private updateExecutions(requests: SaveRequest[], transaction: Transaction): Promise<string[]> {
    const sequelize = this.sequelize;
    const encode = encoder(sequelize);
    const { status, error, resumeAt } = requests[0].execution!;
    const now = new Date();
    const bind: unknown[] = [];
    const param = (value: unknown, kind?: Kind) => `$${bind.push(encode(value, kind))}`;
    const sets = [`"status" = ${param(status)}`, `"resumeAt" = ${param(resumeAt ?? null, 'date')}`, `"updatedAt" = ${param(now, 'date')}`];
    if (error !== undefined) sets.push(`"error" = ${param(error, 'json')}`);
    // Marking an execution running keeps this process's lease; leaving running releases it.
    if (status !== 'running') sets.push('"leaseOwner" = NULL', '"leaseExpiresAt" = NULL');
    if (FINAL.includes(status)) sets.push(`"finishedAt" = ${param(now, 'date')}`);
    const started = requests.filter((r) => r.execution!.startedAt);
    if (started.length) {
      const cases = started.map((r) => `WHEN ${param(r.executionId)} THEN ${param(r.execution!.startedAt, 'date')}`).join(' ');
      sets.push(`"startedAt" = CASE "id" ${cases} ELSE "startedAt" END`);
    }
    const ids = requests.map((r) => param(r.executionId)).join(', ');
    const sql = `UPDATE "executions" SET ${sets.join(', ')} WHERE "id" IN (${ids}) AND "status" NOT IN ('succeeded', 'failed', 'cancelled')`;
    return updateReturningIds(sequelize, sql, bind, transaction);
  }

  private async writeSteps(all: { executionId: string; step: StepState }[], transaction: Transaction): Promise<void> {
    // One row per execution + node in a statement: the last state wins (PostgreSQL refuses to upsert a row twice).
    const steps = [...new Map(all.map((s) => [`${s.executionId}\u0000${s.step.nodeId}`, s])).values()];
    const now = new Date();
    const rows = steps.map(({ executionId, step: s }) => ({
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
    }));
    await insertRows(this.sequelize, 'execution_steps', STEP_COLUMNS, rows, {
      transaction,
      onConflict: { keys: ['executionId', 'nodeId'], update: ['status', 'attempt', 'outputs', 'error', 'logs', 'wait', 'startedAt', 'finishedAt', 'updatedAt'] },
    });
  }

}
