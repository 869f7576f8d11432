import { randomBytes } from 'node:crypto';
import { startFakeHttp, type FakeAnswer, type FakeHttpServer, type SentRequest } from '../fake-http.js';

/** What the fake answers to the next chat completion: a reply of the model, or a failure. */
export type ScriptedAnswer =
  | { content: string; usage?: { prompt_tokens: number; completion_tokens: number }; finishReason?: string }
  | { status: 429; retryAfterSeconds?: number }
  | { status: 500 | 502 | 503 }
  /** Holds the request this long before answering, e.g. to run past a timeout. */
  | { delayMs: number; then: ScriptedAnswer };

/** A chat completion request as it arrived, parsed. */
export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  max_tokens?: number;
  response_format?: { type: string };
  [field: string]: unknown;
}

/**
 * A fake OpenAI API (https://platform.openai.com/docs/api-reference): `POST /v1/chat/completions` and
 * `GET /v1/models` behind a Bearer key, with OpenAI's response and error shapes. The test queues the
 * answers (`script`) and reads what was asked (`chats`).
 */
export interface FakeOpenAi extends FakeHttpServer {
  /** The base URL an `openai` integration points at (`…/v1`). */
  baseUrl: string;
  /** Keys the fake accepts. */
  keys: Set<string>;
  models: string[];
  script(...answers: ScriptedAnswer[]): void;
  /** Every chat completion request that passed the key check, parsed. */
  chats: ChatRequest[];
  /** Scripted answers not yet used. */
  pending(): number;
}

const openAiError = (status: number, message: string, type: string, code: string | null = null, headers: Record<string, string> = {}): FakeAnswer => ({
  status,
  headers,
  body: { error: { message, type, param: null, code } },
});

/** OpenAI shows only the start and the last four characters of a refused key. */
const redacted = (key: string) => (key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}` : '****');

/** A rough count, as a stand-in for a tokenizer: what matters to tests is that it is stable and non-zero. */
const roughTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function refusal(request: SentRequest, keys: Set<string>): FakeAnswer | null {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) {
    return openAiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'invalid_request_error');
  }
  const key = header.slice(7);
  if (!keys.has(key)) return openAiError(401, `Incorrect API key provided: ${redacted(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');
  return null;
}

function invalidChat(body: unknown): string | null {
  const b = body as Partial<ChatRequest> | null;
  if (!b || typeof b !== 'object') return 'We could not parse the JSON body of your request.';
  if (typeof b.model !== 'string' || !b.model) return "you must provide a model parameter";
  if (!Array.isArray(b.messages) || !b.messages.length) return "[] is too short - 'messages'";
  for (const m of b.messages) if (!['system', 'user', 'assistant'].includes(m?.role) || typeof m?.content !== 'string') return "Invalid value for 'messages': each needs a role and a string content.";
  if (b.response_format?.type === 'json_object' && !b.messages.some((m) => /json/i.test(m.content))) {
    return "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";
  }
  return null;
}

async function answer(scripted: ScriptedAnswer, chat: ChatRequest): Promise<FakeAnswer> {
  if ('delayMs' in scripted) {
    await new Promise((r) => setTimeout(r, scripted.delayMs));
    return answer(scripted.then, chat);
  }
  if ('status' in scripted) {
    if (scripted.status === 429) {
      return openAiError(429, `Rate limit reached for ${chat.model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${scripted.retryAfterSeconds ?? 1}s.`, 'requests', 'rate_limit_exceeded', {
        'retry-after': String(scripted.retryAfterSeconds ?? 1),
      });
    }
    return openAiError(scripted.status, 'The server had an error while processing your request. Sorry about that!', 'server_error');
  }
  const prompt = scripted.usage?.prompt_tokens ?? roughTokens(chat.messages.map((m) => m.content).join('\n'));
  const completion = scripted.usage?.completion_tokens ?? roughTokens(scripted.content);
  return {
    status: 200,
    headers: { 'x-request-id': `req_${randomBytes(8).toString('hex')}` },
    body: {
      id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: chat.model,
      choices: [{ index: 0, message: { role: 'assistant', content: scripted.content, refusal: null }, logprobs: null, finish_reason: scripted.finishReason ?? 'stop' }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      system_fingerprint: 'fp_fake',
    },
  };
}

export async function startFakeOpenAi(options: { keys?: string[]; models?: string[] } = {}): Promise<FakeOpenAi> {
  const server = await startFakeHttp((request) => openAiError(404, `Invalid URL (${request.method} ${request.path})`, 'invalid_request_error'));
  const keys = new Set(options.keys ?? ['sk-test-key']);
  const models = options.models ?? ['gpt-4o-mini', 'gpt-4o'];
  const queue: ScriptedAnswer[] = [];
  const chats: ChatRequest[] = [];

  server.route('GET', '/v1/models', (request) => {
    const refused = refusal(request, keys);
    if (refused) return refused;
    return { status: 200, body: { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })) } };
  });

  server.route('POST', '/v1/chat/completions', (request) => {
    const refused = refusal(request, keys);
    if (refused) return refused;
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      body = null;
    }
    const invalid = invalidChat(body);
    if (invalid) return openAiError(400, invalid, 'invalid_request_error');
    const chat = body as ChatRequest;
    if (!models.includes(chat.model)) return openAiError(404, `The model \`${chat.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    chats.push(chat);
    const next = queue.shift();
    if (!next) return openAiError(500, 'The fake has no scripted answer left for this request (call script() in the test).', 'server_error');
    return answer(next, chat);
  });

  return Object.assign(server, {
    baseUrl: `${server.url}/v1`,
    keys,
    models,
    chats,
    script: (...answers: ScriptedAnswer[]) => void queue.push(...answers),
    pending: () => queue.length,
  });
}
