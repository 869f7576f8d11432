import type { TenantCeilings } from '../../nodes/contract.js';
import type { Models } from '../db/models/index.js';
import type { PinData } from '../db/models/runtime.js';
import { newId } from '../db/columns.js';
import type { IntegrationAccess } from '../integrations/access.js';
import type { CompiledFlow } from './graph.js';
import { liveInput, nodeValue, scopeFor } from './inputs.js';
import { pinnedStep } from './pins.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { runObservedStep, type StepObserver } from './step-runner.js';
import type { ExecutionStore, StepState } from './store.js';

/** How many of the flow's latest executions are searched for the node's last input. */
const RECENT_EXECUTIONS = 10;

export interface NodeRunDeps {
  models: Models;
  store: ExecutionStore;
  sandbox: Sandbox;
  allowPrivateNetwork: boolean;
  integrations: IntegrationAccess;
  observeStep?: StepObserver;
  /** The tenant's ceilings where lower than the server's (its plan, when billing is on), as executions' steps get them. */
  ceilingsOf?(subaccountId: string): TenantCeilings | undefined | Promise<TenantCeilings | undefined>;
}

export interface NodeRunRequest {
  flow: CompiledFlow;
  flowId: string;
  subaccountId: string;
  nodeId: string;
  /** The caller's input, when it sent one. */
  input?: { value: unknown };
  pinData: PinData | null;
  /** Aborted when the caller goes away: the step is cancelled like a cancelled execution's. */
  signal: AbortSignal;
}

/** Where the node's `$json` came from. */
export type InputSource = 'request' | 'lastExecution' | 'pinData' | 'none';

export interface NodeRun {
  step: StepState;
  input: unknown;
  inputFrom: InputSource;
}

interface Context {
  input: unknown;
  inputFrom: InputSource;
  /** Settled steps whose outputs `$node` and `$trigger` show. */
  steps: Map<string, StepState>;
  triggerNodeId?: string;
}

/**
 * Runs one node in test mode (CONTRACT §5) through the same step runner as an execution: the same
 * expression resolution, sandbox, integrations, retries and timeout. Nothing is stored: the answer is
 * the step. Its `$json` is the caller's input, else its input in the flow's latest execution that
 * reached it, else the pinned output of the nodes before it.
 */
export async function runNode(deps: NodeRunDeps, request: NodeRunRequest): Promise<NodeRun> {
  const { flow, nodeId } = request;
  const node = flow.nodes.get(nodeId)!;
  const definition = flow.definitions.get(nodeId)!;
  const context = await contextFor(deps, request);
  const input = request.input ? request.input.value : context.input;
  const inputFrom = request.input ? 'request' : context.inputFrom;
  const pins = request.pinData ?? {};
  if (Object.prototype.hasOwnProperty.call(pins, nodeId)) return { step: pinnedStep(node, definition, pins[nodeId]), input, inputFrom };
  if (definition.trigger) {
    const now = new Date();
    return { step: { nodeId, status: 'succeeded', attempt: 1, outputs: { main: input }, error: null, logs: [], wait: null, startedAt: now, finishedAt: now }, input, inputFrom };
  }
  const trigger = context.triggerNodeId ? context.steps.get(context.triggerNodeId) : undefined;
  const execution = { id: newId(), flowId: request.flowId, subaccountId: request.subaccountId };
  const step = await runObservedStep({
    node,
    definition,
    input,
    scope: scopeFor(input, trigger ? nodeValue(trigger) : undefined, context.steps.values(), execution),
    execution,
    signal: request.signal,
    allowPrivateNetwork: deps.allowPrivateNetwork,
    sandbox: deps.sandbox,
    observe: deps.observeStep,
    integrations: deps.integrations,
    ceilings: await deps.ceilingsOf?.(request.subaccountId),
  });
  delete step.respond; // no webhook request waits on a node run
  return { step, input, inputFrom };
}

async function contextFor(deps: NodeRunDeps, request: NodeRunRequest): Promise<Context> {
  return (await fromLastExecution(deps, request)) ?? fromPins(request);
}

/** The node's input in the latest of the flow's recent executions that reached it (a trigger: that execution's input). */
async function fromLastExecution(deps: NodeRunDeps, request: NodeRunRequest): Promise<Context | null> {
  const { flow, nodeId } = request;
  const recent = await deps.models.Execution.findAll({
    attributes: ['id', 'trigger', 'input'],
    where: { flowId: request.flowId },
    order: [['createdAt', 'DESC']],
    limit: RECENT_EXECUTIONS,
  });
  for (const execution of recent) {
    if (flow.definitions.get(nodeId)?.trigger) {
      if (execution.trigger.nodeId === nodeId) return { input: execution.input, inputFrom: 'lastExecution', steps: new Map(), triggerNodeId: nodeId };
      continue;
    }
    const steps = await deps.store.steps(execution.id);
    const { live, input } = liveInput(flow, nodeId, steps);
    if (live.length) return { input, inputFrom: 'lastExecution', steps, triggerNodeId: execution.trigger.nodeId };
  }
  return null;
}

/** The pinned outputs of the nodes before it, as a run would pass them; `{}` when none is pinned. */
function fromPins(request: NodeRunRequest): Context {
  const { flow, nodeId } = request;
  const steps = new Map<string, StepState>();
  for (const [id, value] of Object.entries(request.pinData ?? {})) {
    const node = flow.nodes.get(id);
    if (node) steps.set(id, pinnedStep(node, flow.definitions.get(id)!, value));
  }
  const { live, input } = liveInput(flow, nodeId, steps);
  const triggerNodeId = flow.triggers.find((id) => steps.has(id));
  return live.length ? { input, inputFrom: 'pinData', steps, triggerNodeId } : { input: {}, inputFrom: 'none', steps, triggerNodeId };
}
