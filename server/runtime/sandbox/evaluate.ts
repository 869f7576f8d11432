import { isWait, NodeError, type AnyNodeDefinition, type NodeContext, type PortOutputs, type TenantCeilings } from '../../../nodes/contract.js';
import type { NodeRegistry } from '../../../nodes/registry.js';
import { compile, toDetails, type JsonSchema } from '../../lib/validation.js';
import { resolveConfig, type EvaluationSite, type ExpressionScope } from '../expressions.js';
import type { EvaluationResult, EvaluationTask } from './protocol.js';

/** Resolves a node's expressions and validates the result against its schema again. */
export async function resolvedConfig(definition: AnyNodeDefinition, config: unknown, scope: ExpressionScope, site: EvaluationSite): Promise<unknown> {
  const resolved = await resolveConfig(config ?? {}, scope, '', definition.rawFields ?? [], site);
  const validate = compile(definition.configSchema as JsonSchema);
  if (!validate(resolved)) {
    const problems = toDetails(validate.errors).map((d) => `${d.path} ${d.message}`);
    throw new NodeError(`After resolving expressions, the config is invalid: ${problems.join('; ')}.`, 'invalid_config');
  }
  return resolved;
}

export interface ContextRequest {
  nodeId: string;
  input: unknown;
  execution: { id: string; flowId: string; subaccountId: string };
  attempt: number;
  signal: AbortSignal;
  allowPrivateNetwork: boolean;
  logs: string[];
  /** What expressions see; the handler gets `$trigger` and `$node` from it. */
  scope?: ExpressionScope;
  /** The tenant's ceilings where lower than the server's. */
  ceilings?: TenantCeilings;
}

/** The handler's view of a step (DESIGN.md, the node contract), wherever the handler runs. */
export function nodeContext(request: ContextRequest, config: unknown): NodeContext<never> {
  return {
    config: config as never,
    input: request.input,
    trigger: request.scope?.trigger,
    nodes: request.scope?.node,
    log: (message) => void request.logs.push(String(message).slice(0, 10_000)),
    signal: request.signal,
    execution: request.execution,
    idempotencyKey: `${request.execution.id}:${request.nodeId}`,
    nodeId: request.nodeId,
    attempt: request.attempt,
    allowPrivateNetwork: request.allowPrivateNetwork,
    ...(request.ceilings ? { ceilings: request.ceilings } : {}),
  };
}

/** What an evaluation process does with a task; pure handlers make no calls, so they get no network. */
export async function evaluateTask(registry: NodeRegistry, task: EvaluationTask): Promise<EvaluationResult> {
  const definition = registry.get(task.nodeType);
  if (!definition) throw new NodeError(`Unknown node type "${task.nodeType}".`, 'invalid_config');
  const config = await resolvedConfig(definition, task.config, task.scope, 'sandbox');
  const logs: string[] = [];
  if (task.kind === 'resolve') return { config, logs };
  if (!definition.pure) throw new NodeError(`Node type "${task.nodeType}" has side effects and cannot run in the sandbox.`, 'invalid_config');
  const ctx = nodeContext({ ...task, signal: new AbortController().signal, allowPrivateNetwork: false, logs }, config);
  const outputs = await definition.run(ctx);
  if (isWait(outputs)) throw new NodeError(`Node type "${task.nodeType}" cannot wait.`, 'invalid_config');
  return { config, outputs: outputs as PortOutputs, logs };
}
