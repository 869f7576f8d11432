import { NodeError, type IntegrationHandle } from '../../nodes/contract.js';
import type { Models } from '../db/models/index.js';
import { findTemplate } from '../../schemas/integrations/index.js';
import { revealConfig, splitConfig } from './vault.js';
import { updateSerialised } from './serialised-update.js';

/** `lastUsedAt` is written at most this often per integration: it is shown to people, not used to decide. */
const USED_WRITE_INTERVAL_MS = 60_000;

export interface OpenedIntegration {
  credentials: Record<string, unknown>;
  integration: IntegrationHandle;
}

/** How the engine gives a step the credentials of the integration its config names, and keeps its status. */
export class IntegrationAccess {
  private readonly usedWritten = new Map<string, number>();

  constructor(
    private readonly models: Models,
    private readonly encryptionKey: Buffer,
  ) {}

  /** The decrypted config of a sub-account's integration of `template`; a node error a person can act on otherwise. */
  async open(subaccountId: string, integrationId: unknown, template: string): Promise<OpenedIntegration> {
    if (typeof integrationId !== 'string' || !integrationId) {
      throw new NodeError(`This node needs a ${template} integration: choose one in its config (integrationId).`, 'integration_missing');
    }
    const row = await this.models.Integration.findOne({ where: { id: integrationId, subaccountId } });
    if (!row || row.template !== template) {
      throw new NodeError(`The ${template} integration ${integrationId} no longer exists in this sub-account: choose another one.`, 'integration_missing');
    }
    this.markUsed(row.id);
    const handle: IntegrationHandle = {
      id: row.id,
      template: row.template,
      save: async (config) => {
        const definition = findTemplate(row.template);
        if (!definition) throw new Error(`template ${row.template} is gone`);
        await this.models.Integration.update(splitConfig(definition, config, this.encryptionKey), { where: { id: row.id } });
      },
      update: (change) => updateSerialised(this.models, this.encryptionKey, row.id, change),
    };
    return { credentials: revealConfig(row, this.encryptionKey), integration: handle };
  }

  /** The service refused the credentials: the integration shows `error` with a message to act on. */
  async refused(integrationId: string, message: string): Promise<void> {
    await this.models.Integration.update({ status: 'error', lastError: message.slice(0, 2000) }, { where: { id: integrationId } });
  }

  private markUsed(id: string): void {
    const now = Date.now();
    if (now - (this.usedWritten.get(id) ?? 0) < USED_WRITE_INTERVAL_MS) return;
    this.usedWritten.set(id, now);
    if (this.usedWritten.size > 10_000) this.usedWritten.clear();
    void this.models.Integration.update({ lastUsedAt: new Date(now) }, { where: { id }, silent: true }).catch(() => undefined);
  }
}
