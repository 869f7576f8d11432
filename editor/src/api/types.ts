// Shapes of the public API (CONTRACT §3–§8) as the editor reads them.

export type Role = 'owner' | 'admin' | 'builder' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  agencyId: string;
  subaccountIds?: string[] | null;
}

export interface Agency {
  id: string;
  name: string;
}

export interface Subaccount {
  id: string;
  name: string;
  timezone?: string;
}

export interface Me {
  user: User | null;
  agency: Agency | null;
  subaccounts: Subaccount[];
}

export type JsonSchema = Record<string, unknown>;

export interface NodeType {
  type: string;
  category: string;
  title: string;
  description: string;
  configSchema: JsonSchema;
  uiSchema?: Record<string, unknown>;
  outputs: string[];
  dynamicOutputs?: string;
  trigger?: boolean;
  integration?: string;
}

export interface FlowNode {
  id: string;
  type: string;
  name?: string;
  config?: Record<string, unknown>;
  position?: { x: number; y: number };
  retry?: Record<string, unknown>;
  timeoutMs?: number;
}

export interface FlowEdge {
  id?: string;
  source: string;
  sourcePort?: string;
  target: string;
}

export const NOTE_COLORS = ['yellow', 'blue', 'green', 'pink', 'purple', 'gray'] as const;
export type NoteColor = (typeof NOTE_COLORS)[number];

/** A sticky note on the canvas (a flow's `notes`, saved with each version beside the graph). */
export interface StickyNote {
  id: string;
  text: string;
  position: { x: number; y: number };
  size?: { width: number; height: number };
  color?: NoteColor;
}

/**
 * The graph the canvas edits. `notes` is not part of the API's graph: it travels beside it (`flow.notes`),
 * and is kept in the document here so that undo covers notes like nodes.
 */
export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  notes?: StickyNote[];
  /** Pinned outputs by node id (a flow's `pinData`, beside the graph like `notes`), kept here so undo covers them. */
  pinData?: Record<string, unknown>;
}

/** `GET /api/flow-templates`: the seed example flows, to start a flow from. */
export interface FlowTemplate {
  id: string;
  name: string;
  description: string;
  nodeTypes: string[];
  /** Integration kinds the flow needs: the sub-account's own, or placeholders to fill in. */
  integrations: string[];
  graph: FlowGraph;
}

export interface Trigger {
  nodeId: string;
  type: string;
  url?: string;
  nextRuns?: string[];
}

export interface Flow {
  id: string;
  name: string;
  description: string | null;
  version: number;
  active: boolean;
  graph: FlowGraph;
  notes?: StickyNote[];
  /** What test runs emit for pinned nodes instead of running them (docs/debugging.md). */
  pinData?: Record<string, unknown>;
  triggers: Trigger[];
  createdAt: string;
  updatedAt: string;
}

/** One immutable version of a flow (`GET …/flows/:fid/versions`), newest first. */
export interface FlowVersion {
  version: number;
  graph: FlowGraph;
  notes?: StickyNote[];
  createdAt: string;
  /** Who saved it; null for seeded versions and those saved before authors were recorded. */
  createdBy: { id: string | null; email: string | null } | null;
}

export type ExecutionStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

export interface StepError {
  message: string;
  code?: string;
  retryable?: boolean;
}

export interface Step {
  nodeId: string;
  status: StepStatus;
  attempt: number;
  output: unknown;
  error: StepError | null;
  logs: unknown[];
  startedAt: string | null;
  finishedAt: string | null;
  /** A test run's step that emitted its pinned data instead of running. */
  pinned?: boolean;
}

export interface ExecutionSummary {
  id: string;
  flowId: string;
  flowVersion: number;
  status: ExecutionStatus;
  /** `test`: started by a test run or a listened test event (pins applied, not counted by billing). */
  mode?: 'production' | 'test';
  trigger: { type: string; nodeId?: string } | null;
  retryOf?: string | null;
  /** The execution whose `flow.call` started this one. */
  parentExecutionId?: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  error: StepError | null;
}

/** A child execution a `flow.call` of this one started (CONTRACT §6). */
export interface ChildExecution {
  id: string;
  flowId: string;
  status: ExecutionStatus;
  createdAt: string;
}

export interface Execution extends ExecutionSummary {
  input?: unknown;
  steps: Step[];
  children?: ChildExecution[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ErrorDetail {
  path?: string;
  message: string;
  /** Graph validation names the node or the edge (by index) a problem is about. */
  nodeId?: string;
  edge?: number;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/** `execution:event` over Socket.io (CONTRACT §8). */
export interface ExecutionEvent {
  type: 'execution.started' | 'step.started' | 'step.succeeded' | 'step.failed' | 'step.skipped' | 'step.waiting' | 'execution.finished';
  executionId: string;
  flowId: string;
  nodeId?: string;
  status: string;
  attempt?: number;
  output?: unknown;
  error?: StepError | null;
  pinned?: boolean;
  at: string;
}

export interface Approval {
  id: string;
  flowId: string;
  executionId: string;
  nodeId: string;
  title: string;
  description: string | null;
  status: string;
  createdAt: string;
}
