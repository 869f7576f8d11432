import type { GhlChange } from '../../../nodes/triggers/ghl/change.js';
import { GhlClient } from '../../../nodes/ghl/lib/client.js';
import { ghlTokenSource } from '../../../nodes/ghl/lib/token-source.js';
import type { OpenedIntegration } from '../../integrations/access.js';

interface Pipeline {
  id: string;
  name: string;
  stages: { id: string; name: string }[];
}

/** Pipelines change rarely; a stage renamed in GoHighLevel shows under its new name within this time. */
const CACHE_MS = 5 * 60_000;
const LOOKUP_TIMEOUT_MS = 15_000;

/**
 * Names of pipelines and stages, read with the location's integration (`GET /opportunities/pipelines`) and
 * cached per location, so "stage New → Won" can be matched by name. A lookup that fails leaves the names
 * empty (the ids still match), rather than holding back the event.
 */
export class StageNames {
  private readonly cache = new Map<string, { at: number; pipelines: Promise<Pipeline[]> }>();

  constructor(private readonly options: { apiUrl: string; allowPrivateNetwork: boolean; onError(err: unknown): void }) {}

  async name(change: GhlChange, locationId: string, opened: () => Promise<OpenedIntegration>): Promise<void> {
    const stage = change.stage;
    if (!stage) return;
    let pipelines: Pipeline[];
    try {
      pipelines = await this.pipelines(locationId, opened);
    } catch (err) {
      this.options.onError(err);
      return;
    }
    const pipeline = pipelines.find((p) => p.id === stage.pipeline?.id) ?? pipelines.find((p) => p.stages.some((s) => s.id === stage.to.id));
    if (!pipeline) return;
    stage.pipeline = { id: pipeline.id, name: pipeline.name };
    const named = (id: string) => pipeline.stages.find((s) => s.id === id)?.name ?? null;
    stage.to.name = named(stage.to.id);
    if (stage.from) stage.from.name = named(stage.from.id);
  }

  private pipelines(locationId: string, opened: () => Promise<OpenedIntegration>): Promise<Pipeline[]> {
    const cached = this.cache.get(locationId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.pipelines;
    const pipelines = this.load(locationId, opened);
    pipelines.catch(() => this.cache.delete(locationId));
    if (this.cache.size > 5_000) this.cache.clear();
    this.cache.set(locationId, { at: Date.now(), pipelines });
    return pipelines;
  }

  private async load(locationId: string, opened: () => Promise<OpenedIntegration>): Promise<Pipeline[]> {
    const { credentials, integration } = await opened();
    const connection = { credentials, integration, signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS), allowPrivateNetwork: this.options.allowPrivateNetwork };
    const client = new GhlClient({
      tokens: ghlTokenSource(connection),
      locationId,
      baseUrl: typeof credentials.apiUrl === 'string' && credentials.apiUrl ? credentials.apiUrl : this.options.apiUrl,
      signal: connection.signal,
      allowPrivateNetwork: connection.allowPrivateNetwork,
    });
    const answer = await client.request<{ pipelines?: Pipeline[] }>({ method: 'GET', path: '/opportunities/pipelines', query: { locationId }, what: 'reading the pipelines' });
    return Array.isArray(answer.pipelines) ? answer.pipelines : [];
  }
}
