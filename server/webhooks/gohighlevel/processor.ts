import type { Logger } from 'pino';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { NodeRegistry } from '../../../nodes/registry.js';
import { eventTypeName, type GhlTriggerInput } from '../../../nodes/triggers/ghl/change.js';
import type { Models } from '../../db/models/index.js';
import type { GhlEventRow, GhlSnapshotRow } from '../../db/models/ghl.js';
import type { IntegrationRow, TriggerRow } from '../../db/models/runtime.js';
import { IntegrationAccess } from '../../integrations/access.js';
import type { Runtime } from '../../runtime/runtime.js';
import { computeChange, mergeSnapshot, snapshotKindOf } from './changes.js';
import { StageNames } from './stage-names.js';
import { GHL_TRIGGER, triggerFires } from './triggers.js';
import type { TestListening } from '../../runtime/listening.js';

/** A process working on an event holds it this long; after that (it died) another takes it over. */
const CLAIM_MS = 60_000;
/** Stored events nobody processed (the process that stored one stopped first) are picked up this often. */
const SWEEP_MS = 5_000;
const BATCH = 50;
const PRUNE_EVERY_MS = 60_000;
/** Processed events are kept this long: the webhookId dedupe window (GoHighLevel retries for about an hour). */
export const EVENT_RETENTION_MS = 7 * 24 * 3600_000;

export interface ProcessorOptions {
  models: Models;
  runtime: Runtime;
  registry: NodeRegistry;
  logger: Logger;
  encryptionKey: Buffer;
  apiUrl: string;
  allowPrivateNetwork: boolean;
  /** Listens for a test event (CONTRACT §5): matching events reach them, inactive flows included. */
  listening?: TestListening;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/**
 * Turns stored GoHighLevel events into executions, after they were answered: routes each by its location
 * to the sub-accounts whose gohighlevel integration has it, keeps the last snapshot of its contact or
 * opportunity, computes the change, and starts every active flow whose `trigger.ghl` takes it. The
 * snapshot, the executions and the event's `processedAt` are written in one transaction, so an event is
 * processed whole or not at all; the process that stored an event processes it at once, and a sweep takes
 * over events whose process stopped first.
 */
export class GhlEventProcessor {
  private readonly access: IntegrationAccess;
  private readonly stageNames: StageNames;
  private chain: Promise<void> = Promise.resolve();
  private pending = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private prunedAt = 0;

  constructor(private readonly options: ProcessorOptions) {
    this.access = new IntegrationAccess(options.models, options.encryptionKey);
    this.stageNames = new StageNames({
      apiUrl: options.apiUrl,
      allowPrivateNetwork: options.allowPrivateNetwork,
      onError: (err) => options.logger.warn({ err }, 'could not read GoHighLevel pipeline names; stages are matched by id only'),
    });
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), SWEEP_MS);
    this.timer.unref();
    this.kick();
  }

  /** Processes what is waiting, one event after another in this process (events of one contact stay in order). */
  kick(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    this.chain = this.chain
      .then(() => {
        this.pending = false;
        return this.drain();
      })
      .catch((err: unknown) => this.options.logger.error({ err }, 'processing GoHighLevel events failed; the sweep tries again'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.chain;
  }

  private async drain(): Promise<void> {
    const { GhlEvent } = this.options.models;
    for (;;) {
      if (this.stopped) return;
      const now = new Date();
      const events = await GhlEvent.findAll({
        where: { processedAt: null, [Op.or]: [{ claimedUntil: null }, { claimedUntil: { [Op.lt]: now } }] },
        order: [['id', 'ASC']],
        limit: BATCH,
      });
      for (const event of events) {
        if (this.stopped) return;
        const [claimed] = await GhlEvent.update(
          { claimedUntil: new Date(Date.now() + CLAIM_MS) },
          { where: { id: event.id, processedAt: null, [Op.or]: [{ claimedUntil: null }, { claimedUntil: { [Op.lt]: new Date() } }] } },
        );
        if (!claimed) continue;
        await this.process(event).catch((err: unknown) => this.options.logger.error({ err, webhookId: event.webhookId, type: event.type }, 'could not process a GoHighLevel event; it is tried again'));
      }
      if (events.length < BATCH) break;
    }
    if (Date.now() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = Date.now();
    await GhlEvent.destroy({ where: { processedAt: { [Op.lt]: new Date(Date.now() - EVENT_RETENTION_MS) } } });
  }

  /** The gohighlevel integrations an event belongs to: by location, or (app lifecycle events of an agency) by company. */
  private async route(locationId: string | null, companyId: string | null, byCompany: boolean): Promise<IntegrationRow[]> {
    const { Integration } = this.options.models;
    const sequelize = Integration.sequelize!;
    const field = (name: string) => (sequelize.getDialect() === 'postgres' ? `"config"->>'${name}'` : `json_extract("config", '$.${name}')`);
    const [key, value] = locationId ? ['locationId', locationId] : byCompany && companyId ? ['companyId', companyId] : [null, null];
    if (!key) return [];
    const rows = await sequelize.query<{ id: string }>(`SELECT "id" FROM "integrations" WHERE "template" = 'gohighlevel' AND ${field(key)} = $1`, { bind: [value], type: QueryTypes.SELECT });
    return rows.length ? Integration.findAll({ where: { id: rows.map((r) => r.id) } }) : [];
  }

  private async process(event: GhlEventRow): Promise<void> {
    const { models, runtime, registry } = this.options;
    const payload = event.payload;
    const type = eventTypeName(event.type);
    const lifecycle = type === 'AppInstall' || type === 'AppUninstall';
    const integrations = await this.route(event.locationId, event.companyId, lifecycle);
    const snapshotOf = snapshotKindOf(type);
    const objectId = text(payload.id);
    const locationId = event.locationId;
    const previous = snapshotOf && objectId && locationId ? await models.GhlSnapshot.findOne({ where: { locationId, kind: snapshotOf.kind, objectId } }) : null;
    const change = computeChange(snapshotOf?.kind ?? null, previous?.snapshot ?? null, payload);
    const snapshot = snapshotOf && !snapshotOf.deletes ? mergeSnapshot(previous?.snapshot ?? null, payload) : null;
    const first = integrations[0];
    if (change.stage && first && locationId) await this.stageNames.name(change, locationId, () => this.access.open(first.subaccountId, first.id, 'gohighlevel'));

    const triggers = integrations.length
      ? await models.Trigger.findAll({ where: { type: GHL_TRIGGER, active: true, subaccountId: [...new Set(integrations.map((i) => i.subaccountId))] } })
      : [];
    const starts: { trigger: (typeof triggers)[number]; input: GhlTriggerInput }[] = [];
    /** What the trigger emits for this event, or null when it does not fire on it. */
    const firing = async (trigger: (typeof triggers)[number]): Promise<GhlTriggerInput | null> => {
      const wanted = (trigger.config as { integrationId?: string }).integrationId;
      const integration = integrations.find((i) => i.subaccountId === trigger.subaccountId && (!wanted || i.id === wanted));
      if (!integration) return null;
      const input: GhlTriggerInput = { type, locationId, event: payload, snapshot, previous: previous?.snapshot ?? null, change, integrationId: integration.id };
      return (await triggerFires(registry, trigger, input)) ? input : null;
    };
    for (const trigger of triggers) {
      const input = await firing(trigger);
      if (input) starts.push({ trigger, input });
    }

    // Billing on: flows of agencies past their monthly executions start held, and start once the limit allows.
    const gate = runtime.gate;
    const admitted = gate ? await Promise.all(starts.map(({ trigger }) => gate.allowsSubaccount(trigger.subaccountId))) : [];
    const eventAt = new Date(Date.parse(text(payload.timestamp) ?? '') || Date.now());
    const started = new Map<string, string>();
    const executionIds = await models.GhlEvent.sequelize!.transaction(async (transaction) => {
      if (snapshotOf && objectId && locationId) await this.keepSnapshot(transaction, { locationId, kind: snapshotOf.kind, objectId }, previous, snapshot, eventAt);
      if (lifecycle && integrations.length) {
        const status = type === 'AppInstall' ? 'active' : 'disconnected';
        const lastError = status === 'disconnected' ? 'The GoHighLevel app was uninstalled from this location: connect GoHighLevel again to use it.' : null;
        await models.Integration.update({ status, lastError }, { where: { id: integrations.map((i) => i.id) }, transaction });
      }
      const ids: string[] = [];
      for (const [i, { trigger, input }] of starts.entries()) {
        const flow = await models.Flow.findByPk(trigger.flowId, { transaction });
        if (!flow?.active) continue;
        const execution = await runtime.create({ flow, triggerNodeId: trigger.nodeId, triggerType: 'ghl', input }, transaction);
        if (gate && !admitted[i]) await gate.hold(execution.id, transaction);
        else ids.push(execution.id);
        started.set(trigger.id, execution.id);
      }
      await event.update({ processedAt: new Date(), claimedUntil: null }, { transaction });
      return ids;
    });
    if (gate) for (const [i, { trigger }] of starts.entries()) if (admitted[i]) await gate.startedIn(trigger.subaccountId);
    for (const id of executionIds) await runtime.dispatch(id);
    if (this.options.listening?.listening && integrations.length) await this.offerToListeners(this.options.listening, starts, started, firing);
  }

  /**
   * Listens for a test event: a listened trigger of an active flow is told what its execution received;
   * one of an inactive flow that this event fires is offered the event, and its listener starts a test run.
   */
  private async offerToListeners(
    listening: TestListening,
    starts: { trigger: { id: string }; input: GhlTriggerInput }[],
    started: Map<string, string>,
    firing: (trigger: TriggerRow) => Promise<GhlTriggerInput | null>,
  ): Promise<void> {
    for (const { listenId, target } of listening.ghlTargets()) {
      const trigger = await this.options.models.Trigger.findOne({ where: { flowId: target.flowId, nodeId: target.nodeId, type: GHL_TRIGGER } });
      if (!trigger) continue;
      const executionId = started.get(trigger.id);
      const start = starts.find((s) => s.trigger.id === trigger.id);
      if (executionId && start) listening.observed(listenId, start.input, executionId);
      if (trigger.active) continue;
      const input = await firing(trigger);
      if (input) await listening.offer(listenId, input);
    }
  }

  /** The snapshot after the event, unless an event GoHighLevel sent later was already kept (a late delivery). */
  private async keepSnapshot(
    transaction: Transaction,
    where: { locationId: string; kind: GhlSnapshotRow['kind']; objectId: string },
    previous: GhlSnapshotRow | null,
    snapshot: Record<string, unknown> | null,
    eventAt: Date,
  ): Promise<void> {
    if (previous && previous.eventAt.getTime() > eventAt.getTime()) return;
    if (!snapshot) {
      await previous?.destroy({ transaction });
      return;
    }
    if (previous) await previous.update({ snapshot, eventAt }, { transaction });
    else await this.options.models.GhlSnapshot.create({ ...where, snapshot, eventAt }, { transaction });
  }
}
