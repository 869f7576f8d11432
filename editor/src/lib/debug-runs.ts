import type { StepError, StepStatus } from '../api/types.js';
import type { NodeRun, RunOverlay } from './overlay.js';

/** The answer of `POST …/flows/:fid/nodes/:nodeId/run` (docs/debugging.md). */
export interface NodeRunResult {
  nodeId: string;
  status: StepStatus;
  attempt: number;
  outputs: Record<string, unknown>;
  output: unknown;
  ports: string[];
  error: StepError | null;
  logs: unknown[];
  pinned?: boolean;
  input: unknown;
  inputFrom: 'request' | 'lastExecution' | 'pinData' | 'none';
  startedAt: string | null;
  finishedAt: string | null;
}

/** The answer of `POST …/flows/:fid/listen`: null sample at the timeout. */
export interface ListenResult {
  sample: unknown;
  executionId: string | null;
}

/** Trigger types whose next request or event can be listened for. */
export const LISTENABLE_TYPES: readonly string[] = ['trigger.webhook', 'trigger.ghl'];
export const canListen = (type: string): boolean => LISTENABLE_TYPES.includes(type);

/** Marks the overlay that holds runs of single nodes (not an execution: nothing was stored). */
export const NODE_RUNS = 'node-runs';

/** What the node panel and the canvas show of a node run: the node's entry in the run overlay. */
export function nodeRunOf(result: NodeRunResult): NodeRun {
  return {
    status: result.status,
    attempt: result.attempt,
    output: result.ports.length ? result.output : undefined,
    error: result.error,
    ports: result.ports,
    logs: result.logs,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
}

/**
 * The overlay after a node run: the node's entry replaced, the other nodes of the execution shown
 * before kept, so running one node after a run shows it beside its neighbours' outputs.
 */
export function withNodeRun(overlay: RunOverlay | null, result: NodeRunResult): RunOverlay {
  const base = overlay ?? { executionId: NODE_RUNS, status: 'succeeded', nodes: {} };
  return { ...base, nodes: { ...base.nodes, [result.nodeId]: nodeRunOf(result) } };
}

const INPUT_FROM: Record<NodeRunResult['inputFrom'], string> = {
  request: 'the input you gave',
  lastExecution: 'its input in the last execution',
  pinData: 'the pinned data before it',
  none: 'no input (nothing ran before it yet)',
};

/** One line saying how a node run went and what it ran on. */
export function describeNodeRun(result: NodeRunResult): string {
  if (result.pinned) return 'Pinned: the node was not run; test runs emit its pinned data.';
  const outcome = result.status === 'failed' ? `Failed: ${result.error?.message ?? 'unknown error'}` : result.status === 'waiting' ? 'Waiting (a delay or approval: a node run does not wait)' : 'Succeeded';
  return `${outcome}. Ran on ${INPUT_FROM[result.inputFrom]}.`;
}

/** What the listen panel says once the listen ended. */
export function describeListen(result: ListenResult): string {
  return result.executionId ? 'Test event received: the test run is shown on the canvas.' : 'Nothing arrived in time. Listen again to wait for the next one.';
}
