import { GroupCommit } from '../db/group-commit.js';
import { insertRows, type Column } from '../db/raw.js';
import { loadCredentials } from '../integrations/vault.js';
import { revealSecret } from '../integrations/node-secrets.js';
import type { Models } from '../db/models/index.js';
import type { ExecutionData, FlowRow, TriggerRow } from '../db/models/runtime.js';

export const DEDUPE_WINDOW_MS = 24 * 3600_000;

const EVENT_COLUMNS: Column[] = [
  { name: 'id' },
  { name: 'triggerId' },
  { name: 'flowId' },
  { name: 'subaccountId' },
  { name: 'request', kind: 'json' },
  { name: 'idempotencyKey' },
  { name: 'executionId' },
  { name: 'response', kind: 'json' },
  { name: 'createdAt', kind: 'date' },
  { name: 'updatedAt', kind: 'date' },
];

const EXECUTION_COLUMNS: Column[] = [
  { name: 'id' },
  { name: 'flowId' },
  { name: 'subaccountId' },
  { name: 'flowVersion' },
  { name: 'status' },
  { name: 'trigger', kind: 'json' },
  { name: 'input', kind: 'json' },
  { name: 'leaseOwner' },
  { name: 'leaseExpiresAt', kind: 'date' },
  { name: 'createdAt', kind: 'date' },
  { name: 'updatedAt', kind: 'date' },
];
const TRIGGER_CACHE_MS = 1000;

export interface InboxEntry {
  event: {
    id: string;
    triggerId: string;
    flowId: string;
    subaccountId: string;
    request: Record<string, unknown>;
    idempotencyKey: string | null;
    executionId: string;
    response: { status: number; body: unknown };
  };
  /** Queued; or waiting when a plan's monthly limit holds it back (server/billing/held.ts). */
  execution: ExecutionData & { status: 'queued' | 'waiting'; error: null; retryOf: null };
}

export interface ResolvedHook {
  trigger: TriggerRow;
  flow: FlowRow;
  /** The signing secret (from the node or its webhook-secret integration), or null when none is set or found. */
  secret: string | null;
}

/**
 * The webhook inbox: each request and its queued execution are stored together, in group commits
 * shared by concurrent requests, before anyone is answered. Active webhook triggers are cached for a
 * second (and dropped at once when this process changes a flow), which takes two reads off every request.
 */
export class WebhookInbox {
  private readonly commits: GroupCommit<InboxEntry>;
  private readonly hooks = new Map<string, { hook: ResolvedHook; until: number }>();
  private readonly lookups = new Map<string, Promise<ResolvedHook | null>>();

  constructor(
    private readonly models: Models,
    private readonly encryptionKey: Buffer,
  ) {
    const sequelize = models.WebhookEvent.sequelize!;
    this.commits = new GroupCommit(sequelize, async (entries, transaction) => {
      const now = new Date();
      const stamp = <T extends object>(row: T) => ({ ...row, createdAt: now, updatedAt: now });
      await insertRows(sequelize, 'webhook_events', EVENT_COLUMNS, entries.map((e) => stamp(e.event)), { transaction });
      await insertRows(sequelize, 'executions', EXECUTION_COLUMNS, entries.map((e) => stamp(e.execution)), { transaction });
    });
  }

  /**
   * The active trigger and its flow for a token, or null. Concurrent requests for a token whose cache
   * entry lapsed share one lookup, instead of a hundred connections each reading it at that instant.
   */
  resolve(token: string): Promise<ResolvedHook | null> {
    const cached = this.hooks.get(token);
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.hook);
    let pending = this.lookups.get(token);
    if (!pending) {
      pending = this.lookup(token).finally(() => this.lookups.delete(token));
      this.lookups.set(token, pending);
    }
    return pending;
  }

  /**
   * The trigger and flow of a token whether or not the flow is active: someone listens for a test event
   * on it (CONTRACT §5). Not cached: it serves one request.
   */
  async resolveListened(token: string): Promise<ResolvedHook | null> {
    const trigger = token.length <= 64 ? await this.models.Trigger.findOne({ where: { token, type: 'trigger.webhook' } }) : null;
    const flow = trigger ? await this.models.Flow.findByPk(trigger.flowId) : null;
    return trigger && flow ? { trigger, flow, secret: await this.signingSecret(trigger) } : null;
  }

  private async lookup(token: string): Promise<ResolvedHook | null> {
    const trigger = token.length <= 64 ? await this.models.Trigger.findOne({ where: { token, type: 'trigger.webhook' } }) : null;
    // Not the flow's pinned data (test data, possibly large): webhooks never use it.
    const flow = trigger?.active ? await this.models.Flow.findByPk(trigger.flowId, { attributes: { exclude: ['pinData'] } }) : null;
    if (!trigger || !flow?.active) {
      this.hooks.delete(token);
      return null;
    }
    const hook = { trigger, flow, secret: await this.signingSecret(trigger) };
    if (this.hooks.size > 10_000) this.hooks.clear();
    this.hooks.set(token, { hook, until: Date.now() + TRIGGER_CACHE_MS });
    return hook;
  }

  private async signingSecret(trigger: TriggerRow): Promise<string | null> {
    const signature = (trigger.config as { signature?: { secret?: unknown; integrationId?: string } }).signature;
    if (!signature) return null;
    if (!signature.integrationId) return this.inlineSecret(signature.secret);
    const credentials = await loadCredentials(this.models, this.encryptionKey, trigger.subaccountId, signature.integrationId, 'webhook-secret').catch(() => null);
    return typeof credentials?.secret === 'string' ? credentials.secret : null;
  }

  /** A secret written in the node, sealed at rest; null (the check fails closed) when it cannot be unsealed. */
  private inlineSecret(stored: unknown): string | null {
    try {
      const secret = revealSecret(stored, this.encryptionKey);
      return typeof secret === 'string' ? secret : null;
    } catch {
      return null;
    }
  }

  /** Called when this process changes a flow or an integration, so its webhooks see the change at once. */
  forget(): void {
    this.hooks.clear();
  }

  /**
   * The delivery that first used this key within the dedupe window, or null. A key older than the window
   * is released here, so the same key can start the flow again.
   */
  async firstWithKey(triggerId: string, key: string) {
    const first = await this.models.WebhookEvent.findOne({ where: { triggerId, idempotencyKey: key } });
    if (first && Date.now() - new Date(first.createdAt).getTime() > DEDUPE_WINDOW_MS) {
      await first.update({ idempotencyKey: null });
      return null;
    }
    return first?.response ? first : null;
  }

  store(entry: InboxEntry): Promise<void> {
    return this.commits.add(entry);
  }
}
