import { addUsage, type TokenUsage } from '../../nodes/ai/lib/usage.js';
import type { Models } from '../db/models/index.js';
import type { ExecutionRow } from '../db/models/runtime.js';
import { presentExecution } from './present-runtime.js';

/** AI nodes put the tokens a step spent in their output's `usage` (nodes/ai/lib/usage.ts). */
const isAiNode = (type: string) => type.startsWith('ai.');

function usageIn(value: unknown): TokenUsage | undefined {
  const usage = (value as { usage?: Partial<TokenUsage> } | null)?.usage;
  if (!usage || typeof usage !== 'object') return undefined;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  return { promptTokens: n(usage.promptTokens), completionTokens: n(usage.completionTokens), totalTokens: n(usage.totalTokens) };
}

/**
 * The tokens an execution's AI steps spent (CONTRACT §6), summed from their outputs when the execution
 * is read: nothing to keep in step with at write time, and a retried or resumed step counts once.
 * An AI node inside a loop has one output per element, each with its own usage.
 */
export async function executionUsage(models: Models, execution: ExecutionRow, steps: { nodeId: string; output: unknown }[]): Promise<TokenUsage> {
  let total = addUsage();
  const version = await models.FlowVersion.findOne({ where: { flowId: execution.flowId, version: execution.flowVersion }, attributes: ['graph'] });
  const aiNodes = new Set((version?.graph.nodes ?? []).filter((n) => isAiNode(n.type)).map((n) => n.id));
  if (!aiNodes.size) return total;
  for (const step of steps) {
    if (!aiNodes.has(step.nodeId)) continue;
    for (const value of Array.isArray(step.output) ? step.output : [step.output]) total = addUsage(total, usageIn(value));
  }
  return total;
}

/** An execution with its steps (present-runtime.ts) and the tokens its AI steps spent. */
export async function presentExecutionWithUsage(models: Models, execution: ExecutionRow) {
  const presented = await presentExecution(models, execution);
  return { ...presented, usage: await executionUsage(models, execution, presented.steps) };
}
