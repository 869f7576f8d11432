import type { NodeRegistry } from '../../../nodes/registry.js';
import type { GhlTriggerInput } from '../../../nodes/triggers/ghl/change.js';
import { matchesChange } from '../../../nodes/triggers/ghl/match.js';
import type { Config } from '../../../nodes/triggers/ghl/schema.js';
import { mayRunRegex } from '../../../nodes/logic/rules.js';
import { isWait } from '../../../nodes/contract.js';
import type { TriggerRow } from '../../db/models/runtime.js';
import { needsJsonata } from '../../runtime/expressions.js';
import { nodeContext, resolvedConfig } from '../../runtime/sandbox/evaluate.js';

export const GHL_TRIGGER = 'trigger.ghl';

/**
 * Whether an event starts a `trigger.ghl` flow: the same check its trigger step makes, made before anything
 * is started. Rules that only read plain paths (`{{ $json.event.source }}`) without regular expressions are
 * evaluated here, in time linear in their size; rules that need JSONata or a regular expression are left to
 * the trigger step, which runs them in the evaluation sandbox (the flow then starts, and its trigger emits
 * nothing when they do not hold). A rule that cannot be evaluated starts the flow too, so its failure shows
 * in an execution rather than nowhere.
 */
export async function triggerFires(registry: NodeRegistry, trigger: TriggerRow, input: GhlTriggerInput): Promise<boolean> {
  const config = trigger.config as Config;
  if (!matchesChange(config, input)) return false;
  if (!config.rules) return true;
  const definition = registry.get(GHL_TRIGGER);
  if (!definition || needsJsonata(config) || mayRunRegex(config.rules)) return true;
  const execution = { id: `ghl:${trigger.id}`, flowId: trigger.flowId, subaccountId: trigger.subaccountId };
  try {
    const scope = { json: input, trigger: input, node: {}, execution };
    const resolved = await resolvedConfig(definition, config, scope, 'inline');
    const ctx = nodeContext({ nodeId: trigger.nodeId, input, execution, attempt: 1, signal: AbortSignal.timeout(1000), allowPrivateNetwork: false, logs: [] }, resolved);
    const outputs = await definition.run(ctx);
    return !isWait(outputs) && 'main' in outputs;
  } catch {
    return true;
  }
}
