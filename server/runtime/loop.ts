import type { StepError } from '../db/models/runtime.js';
import type { CompiledFlow } from './graph.js';
import { liveInput, nodeValue, scopeFor, skippedStep } from './inputs.js';
import { runObservedStep, type StepRequest } from './step-runner.js';
import type { StepState } from './store.js';
import { pinnedStep } from './pins.js';

export interface LoopRequest {
  flow: CompiledFlow;
  loopId: string;
  items: unknown[];
  /** Steps settled outside the loop (for `$node`). */
  outer: Map<string, StepState>;
  trigger: unknown;
  concurrency: number;
  continueOnError: boolean;
  base: Pick<StepRequest, 'execution' | 'signal' | 'allowPrivateNetwork' | 'sandbox' | 'observe' | 'integrations' | 'ceilings'>;
  /** A test run's pin of a branch node: it emits the pin for every element instead of running. */
  pinOf?(nodeId: string): { value: unknown } | undefined;
}

export type ItemResult = { index: number; item: unknown; output: unknown } | { index: number; item: unknown; error: StepError & { nodeId: string } };

export interface LoopOutcome {
  results: ItemResult[];
  /** One step per branch node, its output the list of per-item outputs (null where it did not run). */
  steps: StepState[];
  failure: (StepError & { nodeId: string; index: number }) | null;
}

/** Runs the branch once for one element, in memory, node by node in graph order. */
async function runItem(request: LoopRequest, body: string[], index: number): Promise<{ steps: Map<string, StepState>; result: ItemResult }> {
  const { flow, loopId } = request;
  const item = request.items[index];
  const port = flow.definitions.get(loopId)!.loop!.port;
  const steps = new Map<string, StepState>([[loopId, { ...skippedStep(loopId), status: 'succeeded', outputs: { [port]: item } }]]);
  for (const nodeId of body) {
    const { live, input } = liveInput(flow, nodeId, steps);
    if (!live.length) {
      steps.set(nodeId, skippedStep(nodeId));
      continue;
    }
    const pin = request.pinOf?.(nodeId);
    if (pin) {
      steps.set(nodeId, pinnedStep(flow.nodes.get(nodeId)!, flow.definitions.get(nodeId)!, pin.value));
      continue;
    }
    const scope = scopeFor(input, request.trigger, [...request.outer.values(), ...steps.values()], request.base.execution);
    const step = await runObservedStep({ ...request.base, node: flow.nodes.get(nodeId)!, definition: flow.definitions.get(nodeId)!, input, scope });
    step.logs = step.logs.map((line) => `[item ${index}] ${line}`);
    if (step.status === 'failed' && (flow.outgoing.get(nodeId) ?? []).some((e) => e.sourcePort === 'error')) {
      step.outputs = { error: { ...step.error, nodeId, input } };
    }
    steps.set(nodeId, step);
    if (step.status === 'failed' && !step.outputs) return { steps, result: { index, item, error: { ...step.error!, nodeId } } };
  }
  const last = [...body].reverse().find((id) => steps.get(id)?.status === 'succeeded');
  return { steps, result: { index, item, output: last ? nodeValue(steps.get(last)!) : null } };
}

function aggregate(body: string[], perItem: Map<string, StepState>[]): StepState[] {
  return body.map((nodeId) => {
    const runs = perItem.map((steps) => steps.get(nodeId));
    const ran = runs.filter((s): s is StepState => !!s && s.status !== 'skipped');
    if (!ran.length) return skippedStep(nodeId);
    const failed = ran.find((s) => s.status === 'failed' && !s.outputs);
    return {
      nodeId,
      status: failed ? 'failed' : 'succeeded',
      attempt: Math.max(...ran.map((s) => s.attempt)),
      outputs: { main: runs.map((s) => (s && s.status === 'succeeded' ? nodeValue(s) : null)) },
      error: failed?.error ?? null,
      logs: ran.flatMap((s) => s.logs),
      wait: null,
      startedAt: ran[0].startedAt,
      finishedAt: new Date(),
    };
  });
}

/**
 * Runs a loop's branch per element with bounded concurrency. The whole loop is one unit of durability:
 * after a crash it runs again from its first element (at-least-once, like any step).
 */
export async function runLoop(request: LoopRequest): Promise<LoopOutcome> {
  const bodySet = request.flow.loopBodies.get(request.loopId) ?? new Set<string>();
  const body = request.flow.order.filter((id) => bodySet.has(id));
  const perItem: Map<string, StepState>[] = [];
  const results: ItemResult[] = [];
  let failure: LoopOutcome['failure'] = null;
  let next = 0;
  const worker = async () => {
    while (next < request.items.length && !failure) {
      const index = next++;
      const { steps, result } = await runItem(request, body, index);
      perItem[index] = steps;
      results[index] = result;
      if ('error' in result && !request.continueOnError) failure ??= { ...result.error, index };
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.concurrency, Math.max(1, request.items.length)) }, worker));
  return { results: results.filter(Boolean), steps: aggregate(body, perItem.filter(Boolean)), failure };
}
