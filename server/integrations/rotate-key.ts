import type { Models } from '../db/models/index.js';
import { keyId, seal, unseal, type Sealed } from './crypto.js';
import { eachRow, pageAfter } from './each-row.js';
import { isSealed } from './node-secrets.js';

/** What a rotation did, per table, and what it could not read. */
export interface RotationReport {
  integrations: number;
  flowVersions: number;
  triggers: number;
  /** Values found already sealed with the new key (a second run, or a run after a crash). */
  alreadyRotated: number;
  /** Rows holding a value sealed with neither key: left as they are. */
  unreadable: { table: string; id: string; kid: string }[];
}

const isSealedRecord = (value: unknown): value is Sealed =>
  typeof value === 'object' && value !== null && (value as Sealed).v === 1 && typeof (value as Sealed).kid === 'string' && typeof (value as Sealed).data === 'string';

/**
 * Re-seals values from the old key to the new. A value already under the new key is recognised by its key
 * id and left, so a rotation that stopped half-way (a crash, a deploy) is finished by running it again.
 */
class Resealer {
  readonly oldKid: string;
  readonly newKid: string;
  already = 0;
  unknown: string | null = null;

  constructor(
    private readonly oldKey: Buffer,
    private readonly newKey: Buffer,
  ) {
    this.oldKid = keyId(oldKey);
    this.newKid = keyId(newKey);
  }

  /** The value re-sealed under the new key, or null when it needs nothing (already new, or unreadable: `unknown` set). */
  one(sealed: Sealed): Sealed | null {
    if (sealed.kid === this.newKid) {
      this.already++;
      return null;
    }
    if (sealed.kid !== this.oldKid) {
      this.unknown = sealed.kid;
      return null;
    }
    try {
      return seal(unseal(sealed, this.oldKey), this.newKey);
    } catch {
      this.unknown = `${sealed.kid} (does not decrypt)`;
      return null;
    }
  }

  /** A copy of a JSON value with every `{$sealed}` inside re-sealed, or null when nothing changed. */
  deep(value: unknown): unknown {
    if (isSealed(value)) {
      const next = this.one(value.$sealed);
      return next ? { ...value, $sealed: next } : null;
    }
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((v) => {
        const next = this.deep(v);
        if (next === null) return v;
        changed = true;
        return next;
      });
      return changed ? out : null;
    }
    if (typeof value === 'object' && value !== null) {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const next = this.deep(v);
        out[k] = next === null ? v : next;
        if (next !== null) changed = true;
      }
      return changed ? out : null;
    }
    return null;
  }
}

/**
 * Re-encrypts every sealed secret under `newKey` (CONTRACT §11, `rotate-key`): integrations' secrets, and
 * secrets written in node configs (flow versions and their trigger rows). Run it with the servers stopped;
 * it can be run again at any point.
 */
export async function rotateKey(models: Models, oldKey: Buffer, newKey: Buffer): Promise<RotationReport> {
  const reseal = new Resealer(oldKey, newKey);
  const unreadable: RotationReport['unreadable'] = [];
  const noting = <R extends { id: string }>(table: string, fix: (row: R) => Record<string, unknown> | null) => (row: R) => {
    reseal.unknown = null;
    const update = fix(row);
    if (reseal.unknown) unreadable.push({ table, id: row.id, kid: reseal.unknown });
    return update;
  };

  const integrations = await eachRow(
    (after) => models.Integration.findAll(pageAfter(after)),
    noting('integrations', (row) => {
      const next = isSealedRecord(row.secrets) ? reseal.one(row.secrets) : null;
      return next ? { secrets: next } : null;
    }),
    (row, update) => models.Integration.update(update, { where: { id: row.id }, silent: true }),
  );
  const flowVersions = await eachRow(
    (after) => models.FlowVersion.findAll(pageAfter(after)),
    noting('flow_versions', (row) => {
      const graph = reseal.deep(row.graph);
      return graph ? { graph } : null;
    }),
    (row, update) => models.FlowVersion.update(update, { where: { id: row.id }, silent: true }),
  );
  const triggers = await eachRow(
    (after) => models.Trigger.findAll(pageAfter(after)),
    noting('flow_triggers', (row) => {
      const config = reseal.deep(row.config);
      return config ? { config } : null;
    }),
    (row, update) => models.Trigger.update(update, { where: { id: row.id }, silent: true }),
  );
  return { integrations, flowVersions, triggers, alreadyRotated: reseal.already, unreadable };
}
