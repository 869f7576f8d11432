import type { FieldChange, GhlChange } from '../../../nodes/triggers/ghl/change.js';
import type { SnapshotKind } from '../../db/models/ghl.js';

/** Keys of an event that describe the delivery, not the contact or opportunity. */
const DELIVERY_KEYS = new Set(['type', 'locationId', 'timestamp', 'webhookId', 'companyId', 'id', 'versionId', 'appId']);

/** Which object an event type snapshots, and whether it removes it. */
export function snapshotKindOf(type: string): { kind: SnapshotKind; deletes: boolean } | null {
  const kind: SnapshotKind | null = type.startsWith('Contact') ? 'contact' : type.startsWith('Opportunity') ? 'opportunity' : null;
  return kind ? { kind, deletes: type.endsWith('Delete') } : null;
}

/** The contact or opportunity after an event: the last snapshot with every field the event carries. */
export function mergeSnapshot(previous: Record<string, unknown> | null, event: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...(previous ?? {}) };
  for (const [key, value] of Object.entries(event)) if (!DELIVERY_KEYS.has(key) || key === 'id') merged[key] = value;
  return merged;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const tagsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : []);

/** Custom fields come as [{id, value}] on contacts and [{id, fieldValue}] on opportunities. */
function customFields(value: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (!Array.isArray(value)) return fields;
  for (const item of value) {
    if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string') {
      const { id, value: v, fieldValue, field_value } = item as Record<string, unknown>;
      fields.set(id as string, v ?? fieldValue ?? field_value ?? null);
    }
  }
  return fields;
}

function fieldChanges(previous: Record<string, unknown>, event: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, to] of Object.entries(event)) {
    if (DELIVERY_KEYS.has(field) || field === 'dateUpdated' || field === 'updatedAt') continue;
    if (field === 'customFields' || field === 'customField') {
      const before = customFields(previous[field]);
      for (const [id, value] of customFields(to)) if (!equal(before.get(id) ?? null, value)) changes.push({ field: id, from: before.get(id) ?? null, to: value, custom: true });
      continue;
    }
    if (!equal(previous[field] ?? null, to)) changes.push({ field, from: previous[field] ?? null, to });
  }
  return changes;
}

/**
 * The change an event makes to the last snapshot of its object (stage names are filled in afterwards,
 * from the location's pipelines). Only fields the event carries are compared: GoHighLevel leaves out what
 * an event is not about, and a field left out has not changed.
 */
export function computeChange(kind: SnapshotKind | null, previous: Record<string, unknown> | null, event: Record<string, unknown>): GhlChange {
  const before = previous ?? {};
  const change: GhlChange = { kind, first: !previous, tagsAdded: [], tagsRemoved: [], stage: null, status: null, fields: [] };
  if (!kind) return change;
  change.fields = fieldChanges(before, event);
  if ('tags' in event) {
    const old = new Set(tagsOf(before.tags).map((t) => t.toLowerCase()));
    const now = new Set(tagsOf(event.tags).map((t) => t.toLowerCase()));
    change.tagsAdded = tagsOf(event.tags).filter((t) => !old.has(t.toLowerCase()));
    change.tagsRemoved = tagsOf(before.tags).filter((t) => !now.has(t.toLowerCase()));
  }
  if (kind === 'opportunity') {
    const stageId = event.pipelineStageId;
    if (typeof stageId === 'string' && stageId && stageId !== before.pipelineStageId) {
      const pipelineId = typeof event.pipelineId === 'string' ? event.pipelineId : typeof before.pipelineId === 'string' ? before.pipelineId : null;
      const from = typeof before.pipelineStageId === 'string' ? before.pipelineStageId : null;
      change.stage = { pipeline: pipelineId ? { id: pipelineId, name: null } : null, from: from ? { id: from, name: null } : null, to: { id: stageId, name: null } };
    }
    const status = event.status;
    if (typeof status === 'string' && status && status !== before.status) {
      change.status = { from: typeof before.status === 'string' ? before.status : null, to: status };
    }
  }
  return change;
}
