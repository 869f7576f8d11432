import { defineNode, NodeError, type Json } from '../../contract.js';
import { chat, type ChatMessage } from '../lib/chat.js';
import { aiFailures } from '../lib/fields.js';
import { configSchema, type Config } from './schema.js';

/** JSON mode needs the word "JSON" in the conversation (OpenAI refuses it otherwise), so it is said once here. */
const JSON_INSTRUCTION = 'Answer with a single JSON object and nothing else.';

export default defineNode<Config>({
  type: 'ai.chat',
  category: 'AI',
  title: 'AI chat',
  description:
    'Sends a system and a user prompt to an OpenAI-compatible chat model and emits {content, json?, model, finishReason, usage}. In JSON mode the answer is requested as a JSON object and parsed into "json". ' +
    aiFailures,
  configSchema,
  outputs: ['main', 'error'],
  integration: 'openai',
  async run(ctx) {
    const { config } = ctx;
    const messages: ChatMessage[] = [];
    const system = config.json ? [config.system, JSON_INSTRUCTION].filter(Boolean).join('\n\n') : config.system;
    if (system) messages.push({ role: 'system', content: system });
    messages.push({ role: 'user', content: config.prompt });
    const answer = await chat(ctx, { messages, model: config.model, temperature: config.temperature, maxTokens: config.maxTokens, json: config.json, timeoutSeconds: config.timeoutSeconds });
    let json: Json | undefined;
    if (config.json) {
      try {
        json = JSON.parse(answer.content) as Json;
      } catch {
        throw new NodeError(`In JSON mode the model answered with text that is not JSON: ${answer.content.slice(0, 300)}`, 'invalid_answer');
      }
    }
    return { main: { content: answer.content, ...(json !== undefined ? { json } : {}), model: answer.model, finishReason: answer.finishReason, usage: answer.usage } };
  },
});
