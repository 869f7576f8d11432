import { DEFAULT_BASE_URL, type OpenAiCredentials } from '../../nodes/ai/lib/openai.js';
import { listModels } from '../../nodes/ai/lib/models.js';
import type { IntegrationTemplate } from './template.js';

export const openai: IntegrationTemplate = {
  id: 'openai',
  name: 'openai',
  displayName: 'OpenAI-compatible API',
  category: 'AI',
  icon: 'sparkles',
  description:
    'Chat completions from OpenAI or any server that speaks its API (Azure OpenAI, OpenRouter, Groq, Together, Mistral, a local Ollama or vLLM): set its base URL, key and default model.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['apiKey', 'model'],
    properties: {
      baseUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000, default: DEFAULT_BASE_URL, description: 'The API’s base URL, up to and including /v1.' },
      apiKey: { type: 'string', minLength: 1, maxLength: 2000, format: 'password', description: 'Sent as "Authorization: Bearer …".' },
      model: { type: 'string', minLength: 1, maxLength: 200, description: 'The default model, e.g. gpt-4o-mini; a node may choose another.' },
    },
  },
  setupInstructions: [
    '- **OpenAI**: create a key at https://platform.openai.com/api-keys; keep the base URL `https://api.openai.com/v1`.',
    '- **Another OpenAI-compatible server**: use its base URL (e.g. `https://openrouter.ai/api/v1`, `https://api.groq.com/openai/v1`, `http://ollama.internal:11434/v1`) and the key it gives you.',
    '- **Model**: the model nodes use unless they name another one (e.g. `gpt-4o-mini`); **Test** lists the server’s models.',
  ].join('\n'),
  async test(config, { signal, allowPrivateNetwork }) {
    const credentials = config as unknown as OpenAiCredentials;
    const models = await listModels(credentials, { signal, allowPrivateNetwork });
    const known = models.some((m) => m.id === credentials.model);
    return {
      ok: true,
      message: `The key works: ${models.length} model${models.length === 1 ? '' : 's'} available${known || !models.length ? '' : `, but not "${credentials.model}"; choose one of them`}.`,
    };
  },
  options: {
    models: async ({ credentials, signal, allowPrivateNetwork }) =>
      (await listModels(credentials as unknown as OpenAiCredentials, { signal, allowPrivateNetwork })).map((m) => ({ value: m.id, label: m.id, ...(m.ownedBy ? { ownedBy: m.ownedBy } : {}) })),
  },
};
