import type { TenantCeilings } from '../../nodes/contract.js';
import { PLANS, planOf } from './plans.js';
import type { Standing } from './standing.js';

// Asked for every step: made once per cached standing, not per step.
const made = new WeakMap<Standing, TenantCeilings>();

/**
 * The code node's ceilings of the plan whose limits apply now, for the engine to pass to steps (the node
 * takes the lower of these and the server's CODE_* ceilings). A dropped plan's ceilings drop with it.
 */
export function planCeilings(standing: Standing): TenantCeilings {
  let ceilings = made.get(standing);
  if (!ceilings) made.set(standing, (ceilings = ceilingsOf(standing)));
  return ceilings;
}

function ceilingsOf(standing: Standing): TenantCeilings {
  const plan = planOf(standing.limitsPlan);
  const { codeMemoryMb, codeTimeoutMs } = standing.limits;
  const higher = PLANS.find((p) => p.limits.codeMemoryMb > codeMemoryMb || p.limits.codeTimeoutMs > codeTimeoutMs);
  const dropped = standing.limitsPlan !== standing.plan ? ` (while the subscription is ${standing.status})` : '';
  return {
    codeMemoryMb,
    codeTimeLimitMs: codeTimeoutMs,
    setBy: `the ${plan.name} plan${dropped}`,
    wayOut: higher
      ? `upgrade to the ${higher.name} plan in billing for ${higher.limits.codeMemoryMb} MB and ${higher.limits.codeTimeoutMs} ms.`
      : 'it is the largest plan.',
  };
}
