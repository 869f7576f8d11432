/** A pipeline stage as the trigger shows it: GoHighLevel's id and, when it could be looked up, its name. */
export interface NamedRef {
  id: string;
  name: string | null;
}

/** One field whose value differs from the last snapshot (custom fields by their id, `custom: true`). */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
  custom?: boolean;
}

/**
 * What changed between the last snapshot seen of a contact or opportunity and this event. GoHighLevel sends
 * whole snapshots (a tag update carries every tag, a stage update not the stage it left), so this is how a
 * flow can start on "tag vip added" or "stage New → Won". The first event seen of an object has no earlier
 * snapshot: everything it carries counts as new (its tags as added, its stage as reached from nowhere).
 */
export interface GhlChange {
  kind: 'contact' | 'opportunity' | null;
  /** No earlier snapshot of this object was known. */
  first: boolean;
  tagsAdded: string[];
  tagsRemoved: string[];
  stage: { pipeline: NamedRef | null; from: NamedRef | null; to: NamedRef } | null;
  status: { from: string | null; to: string } | null;
  fields: FieldChange[];
}

/** What a `trigger.ghl` flow starts with (its trigger's output). */
export interface GhlTriggerInput {
  /** The event type, with INSTALL / UNINSTALL named AppInstall / AppUninstall. */
  type: string;
  locationId: string | null;
  /** The event as GoHighLevel sent it. */
  event: Record<string, unknown>;
  /** The contact or opportunity after this event (the last snapshot merged with it), or null. */
  snapshot: Record<string, unknown> | null;
  /** The snapshot before this event, or null. */
  previous: Record<string, unknown> | null;
  change: GhlChange;
  /** The sub-account's gohighlevel integration the event came through. */
  integrationId: string;
}

/** GoHighLevel's app lifecycle events carry the type in capitals; flows name them like the others. */
export function eventTypeName(type: string): string {
  if (type === 'INSTALL') return 'AppInstall';
  if (type === 'UNINSTALL') return 'AppUninstall';
  return type;
}
