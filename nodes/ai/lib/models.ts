import { callOpenAi, type OpenAiCredentials } from './openai.js';

interface ModelList {
  data?: { id?: unknown; owned_by?: unknown }[];
}

/** The model ids the server offers (`GET {baseUrl}/models`), sorted. */
export async function listModels(credentials: OpenAiCredentials, options: { signal: AbortSignal; allowPrivateNetwork: boolean }): Promise<{ id: string; ownedBy?: string }[]> {
  const list = await callOpenAi<ModelList>({ credentials, method: 'GET', path: '/models', signal: options.signal, timeoutMs: 15_000, allowPrivateNetwork: options.allowPrivateNetwork });
  const models = Array.isArray(list?.data) ? list.data : [];
  return models
    .filter((m): m is { id: string; owned_by?: unknown } => typeof m?.id === 'string')
    .map((m) => ({ id: m.id, ...(typeof m.owned_by === 'string' ? { ownedBy: m.owned_by } : {}) }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
