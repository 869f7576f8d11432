import { NodeError, type NodeContext } from '../../contract.js';
import { callOpenAi, type OpenAiCredentials } from './openai.js';
import { addUsage, readUsage, type TokenUsage } from './usage.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  messages: ChatMessage[];
  /** Overrides the integration's model. */
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** Asks for a JSON object (`response_format: {type: "json_object"}`). */
  json?: boolean;
  timeoutSeconds?: number;
}

export interface ChatAnswer {
  content: string;
  model: string;
  finishReason: string | null;
  usage: TokenUsage;
}

/** The part of an OpenAI chat completion the nodes read; servers differ in everything else. */
interface Completion {
  model?: unknown;
  choices?: { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }[];
  usage?: unknown;
}

export const DEFAULT_TIMEOUT_SECONDS = 60;

/** The handler context an AI call needs: its integration's credentials, the outbound rules, the step's log. */
export type AiContext = Pick<NodeContext<unknown>, 'credentials' | 'signal' | 'allowPrivateNetwork' | 'log'>;

/** One chat completion; logs the model and the tokens it cost. */
export async function chat(ctx: AiContext, options: ChatOptions): Promise<ChatAnswer> {
  const credentials = ctx.credentials as unknown as OpenAiCredentials;
  const model = options.model || credentials.model;
  const body = {
    model,
    messages: options.messages,
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
    ...(options.json ? { response_format: { type: 'json_object' } } : {}),
  };
  const completion = await callOpenAi<Completion>({
    credentials,
    method: 'POST',
    path: '/chat/completions',
    body,
    signal: ctx.signal,
    timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    allowPrivateNetwork: ctx.allowPrivateNetwork,
    log: ctx.log,
  });
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  const content = choice?.message?.content;
  if (typeof content !== 'string') {
    const refusal = choice?.message?.refusal;
    if (typeof refusal === 'string' && refusal) throw new NodeError(`The model refused: ${refusal.slice(0, 500)}`, 'model_refused');
    throw new NodeError('The chat completion holds no answer (choices[0].message.content is missing).', 'invalid_response');
  }
  const usage = readUsage(completion.usage);
  const answeredBy = typeof completion.model === 'string' && completion.model ? completion.model : model;
  ctx.log(`${answeredBy}: ${usage.promptTokens} prompt + ${usage.completionTokens} completion = ${usage.totalTokens} tokens`);
  return { content, model: answeredBy, finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null, usage };
}

/** Several calls of one step (an extraction asked twice) count together. */
export const totalUsage = (answers: ChatAnswer[]): TokenUsage => answers.reduce((sum, a) => addUsage(sum, a.usage), addUsage());
