import type { PortOutputs } from '../../../nodes/contract.js';
import type { ExpressionScope } from '../expressions.js';

/**
 * One piece of user-controlled evaluation, sent to an evaluation process. `resolve` resolves and
 * validates a node's config; `run` also runs a pure node's handler on it (one round trip for both).
 */
export interface EvaluationTask {
  kind: 'resolve' | 'run';
  nodeType: string;
  nodeId: string;
  config: unknown;
  scope: ExpressionScope;
  input: unknown;
  execution: { id: string; flowId: string; subaccountId: string };
  attempt: number;
}

export interface EvaluationResult {
  config: unknown;
  /** Present for `run`. */
  outputs?: PortOutputs;
  logs: string[];
}

/** An error crossing the process boundary: rebuilt on the other side with the same name and code. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  path?: string;
}

export type ChildMessage = { ready: true } | { id: number; ok: true; result: EvaluationResult } | { id: number; ok: false; error: WireError };

export interface ParentMessage {
  id: number;
  task: EvaluationTask;
}
