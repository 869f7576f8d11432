import type { FlowEdge } from '../../schemas/flow.js';
import type { ExpressionScope } from './expressions.js';
import type { CompiledFlow } from './graph.js';
import type { StepState } from './store.js';

export const portOf = (edge: FlowEdge): string => edge.sourcePort ?? 'main';

/** The value a settled step passes along a port, or undefined when that port did not fire. */
export const portValue = (step: StepState | undefined, port: string): unknown =>
  step?.outputs && Object.prototype.hasOwnProperty.call(step.outputs, port) ? step.outputs[port] : undefined;

export const fired = (step: StepState | undefined, port: string): boolean =>
  !!step?.outputs && Object.prototype.hasOwnProperty.call(step.outputs, port);

/** What `$node.<id>` shows: the single fired port's value, or all of them keyed by port. */
export function nodeValue(step: StepState): unknown {
  const ports = Object.keys(step.outputs ?? {});
  return ports.length === 1 ? step.outputs![ports[0]] : step.outputs;
}

/**
 * The incoming edges that fired and the node's `$json`: the one live parent's value, or, with several,
 * an object keyed by parent id.
 */
export function liveInput(flow: CompiledFlow, nodeId: string, steps: Map<string, StepState>): { live: FlowEdge[]; input: unknown } {
  const live = (flow.incoming.get(nodeId) ?? []).filter((e) => fired(steps.get(e.source), portOf(e)));
  const parents = [...new Set(live.map((e) => e.source))];
  const valueFrom = (parent: string) => portValue(steps.get(parent), portOf(live.find((e) => e.source === parent)!));
  const input = parents.length === 1 ? valueFrom(parents[0]) : Object.fromEntries(parents.map((p) => [p, valueFrom(p)]));
  return { live, input };
}

export function scopeFor(input: unknown, trigger: unknown, steps: Iterable<StepState>, execution: { id: string; flowId: string }): ExpressionScope {
  const node: Record<string, unknown> = {};
  for (const step of steps) if (step.status === 'succeeded') node[step.nodeId] = nodeValue(step);
  return { json: input, trigger, node, execution };
}

export const skippedStep = (nodeId: string): StepState => ({
  nodeId,
  status: 'skipped',
  attempt: 0,
  outputs: null,
  error: null,
  logs: [],
  wait: null,
  startedAt: null,
  finishedAt: new Date(),
});
