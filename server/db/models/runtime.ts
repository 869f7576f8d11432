import {
  DataTypes,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type Sequelize,
} from 'sequelize';
import { idColumn } from '../columns.js';
import type { FlowGraph } from '../../../schemas/flow.js';
import type { StickyNote } from '../../../schemas/flow-notes.js';

type Row<T extends Model> = Model<InferAttributes<T>, InferCreationAttributes<T>>;
type Stamps = { createdAt: CreationOptional<Date>; updatedAt: CreationOptional<Date> };

export const EXECUTION_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const FINAL_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled'];
export type StepStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

export interface StepError {
  message: string;
  code?: string;
  retryable: boolean;
}

export interface FlowRow extends Row<FlowRow>, Stamps {
  id: CreationOptional<string>;
  agencyId: string;
  subaccountId: string;
  name: string;
  description: string | null;
  active: CreationOptional<boolean>;
  version: number;
  errorFlowId: string | null;
  /** Outputs pinned per node id for test runs (CONTRACT §5); null when nothing is pinned. */
  pinData: CreationOptional<PinData | null>;
}

/** Node id → the value that node emits on test runs instead of running. */
export type PinData = Record<string, unknown>;

/** `test` executions come from the editor's debugging (pins apply, plan limits do not); everything else is `production`. */
export const EXECUTION_MODES = ['production', 'test'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export interface FlowVersionRow extends Row<FlowVersionRow>, Stamps {
  id: CreationOptional<string>;
  flowId: string;
  version: number;
  graph: FlowGraph;
  /** Who saved it (null before migration 0012, and for seeded versions). */
  createdById: CreationOptional<string | null>;
  createdByEmail: CreationOptional<string | null>;
  /** Sticky notes saved with this version (null before migration 0015 and when there are none). */
  notes: CreationOptional<StickyNote[] | null>;
}

export interface TriggerRow extends Row<TriggerRow>, Stamps {
  id: CreationOptional<string>;
  flowId: string;
  subaccountId: string;
  nodeId: string;
  type: string;
  token: string | null;
  config: Record<string, unknown>;
  active: CreationOptional<boolean>;
  nextRunAt: Date | null;
  lastRunAt: CreationOptional<Date | null>;
}

export interface ExecutionRow extends Row<ExecutionRow>, Stamps {
  id: CreationOptional<string>;
  flowId: string;
  subaccountId: string;
  flowVersion: number;
  status: ExecutionStatus;
  /** How it started; a child of `flow.call` also names its parent execution and the calling node. */
  trigger: { type: string; nodeId: string; parentExecutionId?: string; parentNodeId?: string };
  input: unknown;
  error: StepError | null;
  retryOf: string | null;
  parentExecutionId: CreationOptional<string | null>;
  leaseOwner: CreationOptional<string | null>;
  leaseExpiresAt: CreationOptional<Date | null>;
  resumeAt: CreationOptional<Date | null>;
  startedAt: CreationOptional<Date | null>;
  finishedAt: CreationOptional<Date | null>;
  mode: CreationOptional<ExecutionMode>;
  /** The pins a test execution runs with (copied from the flow when it started); null otherwise. */
  pinData: CreationOptional<PinData | null>;
}

/** What the engine needs of an execution: a stored row, or the values it was just created with. */
export type ExecutionData = Pick<ExecutionRow, 'id' | 'flowId' | 'subaccountId' | 'flowVersion' | 'trigger' | 'input' | 'startedAt'> & {
  /** Set when the creating process reserved the execution for itself (inline mode). */
  leaseOwner?: string | null;
  leaseExpiresAt?: Date | null;
  /** Times the process running it died under it, counted when another run takes it over. */
  interruptions?: number;
  /** Absent means production. */
  mode?: ExecutionMode;
  pinData?: PinData | null;
};

export interface StepRow extends Row<StepRow>, Stamps {
  id: CreationOptional<string>;
  executionId: string;
  nodeId: string;
  status: StepStatus;
  attempt: number;
  outputs: Record<string, unknown> | null;
  error: StepError | null;
  logs: string[] | null;
  wait: Record<string, unknown> | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface WebhookEventRow extends Row<WebhookEventRow>, Stamps {
  id: CreationOptional<string>;
  triggerId: string;
  flowId: string;
  subaccountId: string;
  request: Record<string, unknown>;
  idempotencyKey: string | null;
  executionId: string | null;
  response: { status: number; body: unknown } | null;
}

export interface IntegrationRow extends Row<IntegrationRow>, Stamps {
  id: CreationOptional<string>;
  agencyId: string;
  subaccountId: string;
  template: string;
  name: string;
  status: IntegrationStatus;
  config: Record<string, unknown>;
  secrets: Record<string, unknown> | null;
  lastError: CreationOptional<string | null>;
  lastTestedAt: CreationOptional<Date | null>;
  lastUsedAt: CreationOptional<Date | null>;
}

/** `pending` until tested; `error` after a failed test or a call the service refused; `disconnected` when the service removed it (an uninstalled app). */
export type IntegrationStatus = 'pending' | 'active' | 'error' | 'disconnected';

export interface ApprovalRow extends Row<ApprovalRow>, Stamps {
  id: CreationOptional<string>;
  subaccountId: string;
  flowId: string;
  executionId: string;
  nodeId: string;
  title: string;
  description: string | null;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: CreationOptional<string | null>;
  comment: CreationOptional<string | null>;
  decidedAt: CreationOptional<Date | null>;
}

const stamps = { createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE };
const { UUID, STRING, TEXT, JSON: JSONB, BOOLEAN, INTEGER, DATE } = DataTypes;

export function defineRuntimeModels(sequelize: Sequelize) {
  const Flow = sequelize.define<FlowRow>(
    'Flow',
    {
      id: idColumn(), agencyId: UUID, subaccountId: UUID, name: STRING, description: TEXT, active: BOOLEAN,
      version: INTEGER, errorFlowId: UUID, pinData: JSONB, ...stamps,
    },
    { tableName: 'flows' },
  );
  const FlowVersion = sequelize.define<FlowVersionRow>(
    'FlowVersion',
    { id: idColumn(), flowId: UUID, version: INTEGER, graph: JSONB, createdById: UUID, createdByEmail: STRING, notes: JSONB, ...stamps },
    { tableName: 'flow_versions' },
  );
  const Trigger = sequelize.define<TriggerRow>(
    'FlowTrigger',
    {
      id: idColumn(), flowId: UUID, subaccountId: UUID, nodeId: STRING, type: STRING, token: STRING, config: JSONB,
      active: BOOLEAN, nextRunAt: DATE, lastRunAt: DATE, ...stamps,
    },
    { tableName: 'flow_triggers' },
  );
  const Execution = sequelize.define<ExecutionRow>(
    'Execution',
    {
      id: idColumn(), flowId: UUID, subaccountId: UUID, flowVersion: INTEGER, status: STRING, trigger: JSONB, input: JSONB,
      error: JSONB, retryOf: UUID, parentExecutionId: UUID, leaseOwner: STRING, leaseExpiresAt: DATE, resumeAt: DATE,
      startedAt: DATE, finishedAt: DATE, mode: STRING, pinData: JSONB, ...stamps,
    },
    { tableName: 'executions' },
  );
  const Step = sequelize.define<StepRow>(
    'ExecutionStep',
    {
      id: idColumn(), executionId: UUID, nodeId: STRING, status: STRING, attempt: INTEGER, outputs: JSONB, error: JSONB,
      logs: JSONB, wait: JSONB, startedAt: DATE, finishedAt: DATE, ...stamps,
    },
    { tableName: 'execution_steps' },
  );
  const WebhookEvent = sequelize.define<WebhookEventRow>(
    'WebhookEvent',
    {
      id: idColumn(), triggerId: UUID, flowId: UUID, subaccountId: UUID, request: JSONB, idempotencyKey: STRING,
      executionId: UUID, response: JSONB, ...stamps,
    },
    { tableName: 'webhook_events' },
  );
  const Approval = sequelize.define<ApprovalRow>(
    'Approval',
    {
      id: idColumn(), subaccountId: UUID, flowId: UUID, executionId: UUID, nodeId: STRING, title: STRING, description: TEXT,
      status: STRING, decidedBy: UUID, comment: TEXT, decidedAt: DATE, ...stamps,
    },
    { tableName: 'approvals' },
  );
  const Integration = sequelize.define<IntegrationRow>(
    'Integration',
    { id: idColumn(), agencyId: UUID, subaccountId: UUID, template: STRING, name: STRING, status: STRING, config: JSONB, secrets: JSONB, lastError: TEXT, lastTestedAt: DATE, lastUsedAt: DATE, ...stamps },
    { tableName: 'integrations' },
  );
  return { Flow, FlowVersion, Trigger, Execution, Step, WebhookEvent, Approval, Integration };
}
