import { NodeError } from '../../contract.js';
import type { GhlClient } from './client.js';

interface Pipeline {
  id: string;
  name: string;
  stages: { id: string; name: string }[];
}

const CACHE_MS = 60_000;
const MAX_ENTRIES = 1_000;
const cache = new Map<string, { at: number; pipelines: Promise<Pipeline[]> }>();

function pipelinesOf(client: GhlClient, fresh: boolean): Promise<Pipeline[]> {
  const key = `${client.base}\u0000${client.locationId}`;
  const cached = cache.get(key);
  if (!fresh && cached && Date.now() - cached.at < CACHE_MS) return cached.pipelines;
  const pipelines = client
    .request<{ pipelines?: Pipeline[] }>({ method: 'GET', path: '/opportunities/pipelines', query: { locationId: client.locationId }, what: 'reading the pipelines' })
    .then((answer) => answer.pipelines ?? []);
  pipelines.catch(() => cache.delete(key));
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { at: Date.now(), pipelines });
  return pipelines;
}

/** A pipeline and stage named by id or by name (names compare without case); either may be left out. */
export interface StageChoice {
  pipelineId?: string;
  pipelineName?: string;
  stageId?: string;
  stageName?: string;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function pick(pipelines: Pipeline[], choice: StageChoice): { pipeline?: Pipeline; stage?: { id: string; name: string }; missing?: string } {
  const pipeline = choice.pipelineId ? pipelines.find((p) => p.id === choice.pipelineId) : choice.pipelineName ? pipelines.find((p) => same(p.name, choice.pipelineName!)) : undefined;
  if (!pipeline) return { missing: `pipeline "${choice.pipelineId ?? choice.pipelineName}"; its pipelines are: ${pipelines.map((p) => p.name).join(', ') || 'none'}` };
  if (!choice.stageId && !choice.stageName) return { pipeline };
  const stage = choice.stageId ? pipeline.stages.find((s) => s.id === choice.stageId) : pipeline.stages.find((s) => same(s.name, choice.stageName!));
  if (!stage) return { pipeline, missing: `stage "${choice.stageId ?? choice.stageName}" in the pipeline "${pipeline.name}"; its stages are: ${pipeline.stages.map((s) => s.name).join(', ') || 'none'}` };
  return { pipeline, stage };
}

/**
 * The ids of a pipeline (and stage) chosen by id or name, read from the location's pipelines (cached
 * for a minute, read again once when a name is not found). Without a pipeline, none is looked up.
 */
export async function resolveStage(client: GhlClient, choice: StageChoice): Promise<{ pipelineId?: string; pipelineStageId?: string; stageName?: string }> {
  if (!choice.pipelineId && !choice.pipelineName) {
    if (choice.stageId || choice.stageName) throw new NodeError('A stage needs its pipeline: give pipelineId or pipelineName too.', 'ghl_stage_without_pipeline');
    return {};
  }
  let found = pick(await pipelinesOf(client, false), choice);
  if (found.missing) found = pick(await pipelinesOf(client, true), choice);
  if (found.missing) throw new NodeError(`This GoHighLevel location has no ${found.missing}.`, 'ghl_unknown_stage');
  return { pipelineId: found.pipeline!.id, pipelineStageId: found.stage?.id, stageName: found.stage?.name };
}
