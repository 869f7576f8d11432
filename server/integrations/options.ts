import type { IntegrationRow } from '../db/models/runtime.js';
import { HttpError } from '../lib/errors.js';
import { findTemplate } from '../../schemas/integrations/index.js';
import type { OptionChoice } from '../../schemas/integrations/template.js';
import { TEST_TIMEOUT_MS } from './test-connection.js';
import { revealConfig } from './vault.js';

/** An editor opens the same dropdowns again and again; the service's lists change rarely. */
const CACHE_MS = 60_000;
const MAX_ENTRIES = 2_000;

/** Serves templates' option loaders with a short cache per integration, loader and parameters. */
export class OptionLoaders {
  private readonly cache = new Map<string, { at: number; choices: Promise<OptionChoice[]> }>();

  constructor(private readonly options: { encryptionKey: Buffer; allowPrivateNetwork: boolean }) {}

  async load(row: IntegrationRow, name: string, params: Record<string, string>): Promise<OptionChoice[]> {
    const loader = findTemplate(row.template)?.options?.[name];
    if (!loader) throw new HttpError(404, 'not_found', `The ${row.template} integration has no option list "${name}".`);
    const key = `${row.id}\u0000${name}\u0000${JSON.stringify(Object.entries(params).sort())}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.choices;
    const credentials = revealConfig(row, this.options.encryptionKey);
    const choices = loader({ credentials, params, signal: AbortSignal.timeout(TEST_TIMEOUT_MS), allowPrivateNetwork: this.options.allowPrivateNetwork }).catch((err: unknown) => {
      this.cache.delete(key);
      // The service's refusal is the answer the person needs, not a 500.
      throw new HttpError(502, 'integration_failed', `The ${row.template} service did not give the list: ${err instanceof Error ? err.message : String(err)}`);
    });
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { at: Date.now(), choices });
    return choices;
  }

  /** A changed integration's lists are read again. */
  forget(integrationId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${integrationId}\u0000`)) this.cache.delete(key);
  }
}
