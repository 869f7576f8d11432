import { NodeError, takesIntegration, type IntegrationHandle, type NodeDefinition } from '../../nodes/contract.js';
import type { Models } from '../db/models/index.js';
import { TemplateCatalog } from './catalog.js';
import { revealConfig, splitConfig } from './vault.js';
import { updateSerialised } from './serialised-update.js';

/** `lastUsedAt` is written at most this often per integration: it is shown to people, not used to decide. */
const USED_WRITE_INTERVAL_MS = 60_000;

/** What a node declares about the integration it takes. */
export type IntegrationNeeds = Pick<NodeDefinition<never>, 'integration' | 'integrationOptional' | 'acceptsIntegration'>;

export interface OpenedIntegration {
  credentials: Record<string, unknown>;
  integration: IntegrationHandle;
}

/** How the engine gives a step the credentials of the integration its config names, and keeps its status. */
export class IntegrationAccess {
  private readonly usedWritten = new Map<string, number>();
  private readonly templates: TemplateCatalog;

  constructor(
    private readonly models: Models,
    private readonly encryptionKey: Buffer,
  ) {
    this.templates = new TemplateCatalog(models);
  }

  /**
   * The decrypted config of the sub-account's integration a node names, if the node takes its template;
   * a node error a person can act on otherwise. Nothing for a node whose integration is optional and unset.
   */
  async open(subaccountId: string, integrationId: unknown, template: string): Promise<OpenedIntegration>;
  async open(subaccountId: string, integrationId: unknown, needs: IntegrationNeeds): Promise<Partial<OpenedIntegration>>;
  async open(subaccountId: string, integrationId: unknown, wanted: string | IntegrationNeeds): Promise<Partial<OpenedIntegration>> {
    const needs: IntegrationNeeds = typeof wanted === 'string' ? { integration: wanted } : wanted;
    const template = needs.integration ?? 'matching';
    if (typeof integrationId !== 'string' || !integrationId) {
      if (needs.integrationOptional && (integrationId === undefined || integrationId === null || integrationId === '')) return {};
      throw new NodeError(`This node needs a ${template} integration: choose one in its config (integrationId).`, 'integration_missing');
    }
    const row = await this.models.Integration.findOne({ where: { id: integrationId, subaccountId } });
    const definition = row ? await this.templates.find(row.agencyId, row.template) : undefined;
    const info = { id: row?.template ?? '', custom: !!definition?.custom, authenticatesHttp: !!definition?.httpAuth };
    if (!row || !takesIntegration(needs, info)) {
      throw new NodeError(`The ${template} integration ${integrationId} no longer exists in this sub-account: choose another one.`, 'integration_missing');
    }
    this.markUsed(row.id);
    const credentials = revealConfig(row, this.encryptionKey);
    const handle: IntegrationHandle = {
      id: row.id,
      template: row.template,
      ...(definition?.httpAuth ? { http: definition.httpAuth(credentials) } : {}),
      save: async (config) => {
        if (!definition) throw new Error(`template ${row.template} is gone`);
        await this.models.Integration.update(splitConfig(definition, config, this.encryptionKey), { where: { id: row.id } });
      },
      update: (change) => updateSerialised(this.models, this.encryptionKey, row.id, change),
    };
    return { credentials, integration: handle };
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
