import type { Transaction } from 'sequelize';
import type { Principal } from '../auth/principal.js';
import type { Models } from '../db/models/index.js';

/** What changed, as the audit log keeps it: names of things and fields, never their values. */
export interface AuditEvent {
  /** `<object>.<verb>`, e.g. `integration.updated`, `flow.activated`, `user.deleted`. */
  action: string;
  target: { type: string; id?: string | null; name?: string | null };
  subaccountId?: string | null;
  /** Names of the fields that changed. */
  fields?: string[];
}

/** The names of `keys` whose values differ between two versions of an object (compared as JSON). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>, keys = new Set([...Object.keys(before), ...Object.keys(after)])): string[] {
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/** Writes audit entries for changes made through the API (CONTRACT §4: who changed what and when). */
export class AuditLog {
  constructor(private readonly models: Models) {}

  async record(principal: Principal, event: AuditEvent, transaction?: Transaction): Promise<void> {
    // The actor's address is kept with the entry, so it still says who once the user is gone.
    const actor = await this.models.User.findByPk(principal.actorUserId, { attributes: ['email'], transaction });
    await this.models.AuditEntry.create(
      {
        agencyId: principal.agencyId,
        subaccountId: event.subaccountId ?? null,
        actorUserId: principal.actorUserId,
        actorApiKeyId: principal.apiKeyId,
        actorEmail: actor?.email ?? null,
        action: event.action,
        targetType: event.target.type,
        targetId: event.target.id ?? null,
        targetName: event.target.name?.slice(0, 320) ?? null,
        fields: event.fields ?? [],
      },
      { transaction },
    );
  }
}
