import { QueryTypes } from 'sequelize';
import { NodeError } from '../../nodes/contract.js';
import type { Models } from '../db/models/index.js';
import { encoder } from '../db/raw.js';
import { findTemplate } from '../../schemas/integrations/index.js';
import { IntegrationLocks } from './lock.js';
import { revealConfig, splitConfig } from './vault.js';

export type ConfigChange = (stored: Record<string, unknown>) => Promise<Record<string, unknown> | null>;

/**
 * Read-modify-write of an integration's config, one process at a time: `change` gets the config as
 * stored once the lock is held (so it sees what another process wrote a moment ago) and returns the
 * config to store, or null to keep it. The write only lands while the lock is still this caller's.
 * Resolves with the config as stored afterwards. OAuth refresh tokens rotate on every use, so a refresh
 * done twice with one token is refused; this is what keeps it to once.
 */
export async function updateSerialised(models: Models, key: Buffer, integrationId: string, change: ConfigChange): Promise<Record<string, unknown>> {
  const sequelize = models.Integration.sequelize!;
  return new IntegrationLocks(sequelize).with(integrationId, async (owner) => {
    const row = await models.Integration.findByPk(integrationId);
    if (!row) throw new NodeError(`The integration ${integrationId} no longer exists.`, 'integration_missing');
    const stored = revealConfig(row, key);
    const next = await change(stored);
    if (!next) return stored;
    const template = findTemplate(row.template);
    if (!template) throw new Error(`template ${row.template} is gone`);
    const { config, secrets } = splitConfig(template, next, key);
    const encode = encoder(sequelize);
    const [, written] = await sequelize.query(
      `UPDATE "integrations" SET "config" = $1, "secrets" = $2, "updatedAt" = $3
       WHERE "id" = $4 AND EXISTS (SELECT 1 FROM "integration_locks" WHERE "integrationId" = $4 AND "owner" = $5)`,
      { bind: [encode(config, 'json'), encode(secrets, 'json'), encode(new Date(), 'date'), integrationId, owner], type: QueryTypes.UPDATE },
    );
    if (!written) throw new Error(`lost the lock on integration ${integrationId} before its config was stored`);
    return next;
  });
}
