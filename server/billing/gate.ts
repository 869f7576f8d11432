import { QueryTypes, type Transaction } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { HttpError } from '../lib/errors.js';
import type { Allowances } from './allowances.js';
import type { BillingClock } from './clock.js';
import type { TenantCeilings } from '../../nodes/contract.js';
import { planCeilings } from './ceilings.js';
import { HELD_OWNER, type HeldExecutions } from './held.js';
import { planLimitReached } from './refusals.js';
import type { UsageMeter } from './usage-meter.js';

const CACHE_MS = 5000;
const MAX_CACHED = 10_000;

/**
 * What webhook intake, schedules and GoHighLevel events ask before an execution starts (only when
 * billing is on: without it they hold no gate and do nothing extra). Answers come from caches, so the
 * hot path makes no query for them; an execution the plan's monthly limit does not allow is stored
 * held, answered 429, and started by the release job once the limit allows.
 */
export interface ExecutionGate {
  /** Whether the agency may start one more execution now; a promise only the first time an agency is seen. */
  allows(agencyId: string): boolean | Promise<boolean>;
  allowsSubaccount(subaccountId: string): Promise<boolean>;
  /** Counts executions the agency started. */
  started(agencyId: string, count?: number): void;
  /** Counts an execution started in a sub-account (its agency is cached by `allowsSubaccount`). */
  startedIn(subaccountId: string): Promise<void>;
  /** The columns of an execution stored held (webhook intake writes them itself). */
  readonly heldState: { status: 'waiting'; leaseOwner: string; leaseExpiresAt: null };
  /** Marks an execution created as queued in `transaction` as held. */
  hold(executionId: string, transaction: Transaction): Promise<void>;
  /** The 429 for an execution stored held (from the cached count when there is one). */
  refusal(agencyId: string, executionId: string): Promise<HttpError>;
  /** The 429 for a GoHighLevel event some of whose agencies are past their limit (after it was stored), or null. */
  locationRefusal(locationId: string): Promise<HttpError | null>;
  /** The agency of a sub-account (cached: sub-accounts never change agency). */
  agencyOf(subaccountId: string): Promise<string | null>;
  /**
   * Before an execution the engine starts through its front door (a manual run, a retry, an error flow):
   * counts it against the month. A run or retry past the limit is refused with the 429 and nothing is
   * stored; an error flow always starts (it reports a failure, which a limit must not swallow) but counts;
   * a test run never counts.
   */
  admitStart(request: StartAdmission): Promise<void>;
  /** The code node's ceilings of the sub-account's plan, for the engine to pass to steps (cached like the other checks). */
  ceilings(subaccountId: string): TenantCeilings | undefined | Promise<TenantCeilings | undefined>;
}

/** What `admitStart` reads of an execution about to start (the runtime's start request). */
export interface StartAdmission {
  flow: { subaccountId: string };
  triggerType: string;
  /** Set on a retry: the execution it retries. */
  retryOf?: string;
  /** `test` executions do not count toward plan limits (CONTRACT §5). */
  mode?: string;
}

/** A small map whose entries lapse; cleared whole when it grows past its bound. */
class Lapsing<V> {
  private readonly map = new Map<string, { value: V; until: number }>();
  constructor(private readonly ms: number) {}
  get(key: string): V | undefined {
    const hit = this.map.get(key);
    return hit && hit.until > Date.now() ? hit.value : undefined;
  }
  set(key: string, value: V): V {
    if (this.map.size >= MAX_CACHED) this.map.clear();
    this.map.set(key, { value, until: Date.now() + this.ms });
    return value;
  }
}

export class BillingGate implements ExecutionGate {
  private readonly agencies = new Lapsing<string | null>(Number.POSITIVE_INFINITY);
  private readonly locations = new Lapsing<string[]>(CACHE_MS);

  constructor(
    private readonly deps: { models: Models; allowances: Allowances; meter: UsageMeter; held: HeldExecutions; clock: BillingClock },
  ) {}

  allows(agencyId: string): boolean | Promise<boolean> {
    return this.deps.allowances.executionAllowed(agencyId);
  }

  async agencyOf(subaccountId: string): Promise<string | null> {
    const known = this.agencies.get(subaccountId);
    if (known !== undefined) return known;
    const row = await this.deps.models.Subaccount.findByPk(subaccountId, { attributes: ['agencyId'] });
    return row ? this.agencies.set(subaccountId, row.agencyId) : null;
  }

  async admitStart(request: StartAdmission): Promise<void> {
    if (request.mode === 'test') return;
    const agencyId = await this.agencyOf(request.flow.subaccountId);
    if (!agencyId) return;
    if (request.triggerType !== 'error' && !(await this.allows(agencyId))) {
      const { standing, executions } = await this.usage(agencyId);
      const what = request.retryOf ? 'retry' : 'run';
      throw planLimitReached(standing, 'executionsPerMonth', executions, this.deps.clock.now(), `Nothing was started or stored: this ${what} can be sent again once the limit allows.`);
    }
    this.started(agencyId);
  }

  ceilings(subaccountId: string): TenantCeilings | undefined | Promise<TenantCeilings | undefined> {
    const known = this.agencies.get(subaccountId);
    if (known === undefined) return this.agencyOf(subaccountId).then((agencyId) => (agencyId ? this.ceilingsOf(agencyId) : undefined));
    return known ? this.ceilingsOf(known) : undefined;
  }

  /** From the cached standing: no query unless the agency was not seen yet. */
  private ceilingsOf(agencyId: string): TenantCeilings | Promise<TenantCeilings> {
    const standing = this.deps.allowances.standingSoon(agencyId);
    return standing instanceof Promise ? standing.then(planCeilings) : planCeilings(standing);
  }

  async allowsSubaccount(subaccountId: string): Promise<boolean> {
    const agencyId = await this.agencyOf(subaccountId);
    return !agencyId || this.allows(agencyId);
  }

  readonly heldState = { status: 'waiting', leaseOwner: HELD_OWNER, leaseExpiresAt: null } as const;

  started(agencyId: string, count = 1): void {
    this.deps.meter.add(agencyId, count);
  }

  async startedIn(subaccountId: string): Promise<void> {
    const agencyId = await this.agencyOf(subaccountId);
    if (agencyId) this.started(agencyId);
  }

  /** Standing and count for a refusal: the cached ones (a flood past the limit costs no query per request), else read. */
  private async usage(agencyId: string) {
    return this.deps.allowances.cached(agencyId) ?? (await this.deps.allowances.current(agencyId));
  }

  hold(executionId: string, transaction: Transaction): Promise<void> {
    return this.deps.held.hold(executionId, transaction);
  }

  async refusal(agencyId: string, executionId: string): Promise<HttpError> {
    const { standing, executions } = await this.usage(agencyId);
    const kept = `This delivery was stored (execution ${executionId}) and starts by itself once the limit allows.`;
    const error = planLimitReached(standing, 'executionsPerMonth', executions, this.deps.clock.now(), kept);
    error.details[0].executionId = executionId;
    return error;
  }

  /** Agencies whose gohighlevel integrations have this location (where the processor will route the event). */
  private async agenciesOfLocation(locationId: string): Promise<string[]> {
    const known = this.locations.get(locationId);
    if (known) return known;
    const sequelize = this.deps.models.Integration.sequelize!;
    const field = sequelize.getDialect() === 'postgres' ? `"config"->>'locationId'` : `json_extract("config", '$.locationId')`;
    const rows = await sequelize.query<{ agencyId: string }>(`SELECT DISTINCT "agencyId" FROM "integrations" WHERE "template" = 'gohighlevel' AND ${field} = $1`, {
      bind: [locationId],
      type: QueryTypes.SELECT,
    });
    return this.locations.set(locationId, rows.map((r) => r.agencyId));
  }

  async locationRefusal(locationId: string): Promise<HttpError | null> {
    for (const agencyId of await this.agenciesOfLocation(locationId)) {
      if (!(await this.allows(agencyId))) {
        const { standing, executions } = await this.usage(agencyId);
        return planLimitReached(standing, 'executionsPerMonth', executions, this.deps.clock.now(), 'The event was stored; the flows it starts wait and start by themselves once the limit allows.');
      }
    }
    return null;
  }
}
