import { expect } from 'chai';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, getExecution, runAndWait, stepOf, type Graph, type Step, type Workspace, workspace } from '../helpers/flows.js';
import { connectIntegration, integrationOf } from '../helpers/integrations.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startFakeOpenAi, type FakeOpenAi } from '../fakes/openai/server.js';

const connectOpenAi = (ws: Workspace, config: Record<string, unknown>) => connectIntegration(ws, 'openai', 'LLM', config);

/** A manual trigger followed by one node `n` (and whatever else the graph adds); returns the execution. */
async function run(ws: Workspace, node: Graph['nodes'][number], input: unknown = {}, more: Graph = { nodes: [], edges: [] }) {
  const flow = await createFlow(ws, {
    nodes: [{ id: 't', type: 'trigger.manual' }, node, ...more.nodes],
    edges: [{ source: 't', target: node.id }, ...(more.edges ?? [])],
  });
  return runAndWait(ws, flow.id, input);
}

/** The ports a step fired (CONTRACT §6). */
const portsOf = (step: Step): string[] => (step as Step & { ports: string[] }).ports;

const fastRetry = { retry: { maxAttempts: 3, backoff: { initialMs: 10, factor: 1, maxMs: 10 } } };

const contactSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email'],
  properties: {
    name: { type: 'string', minLength: 1 },
    email: { type: 'string', format: 'email' },
    budget: { type: 'integer', minimum: 0 },
  },
};

for (const kind of databaseKinds) {
  describe(`AI nodes against an OpenAI-compatible server (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    let fake: FakeOpenAi;
    let integrationId: string;

    before(async () => {
      fake = await startFakeOpenAi({ keys: ['sk-test-key-123456'] });
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
      ws = await workspace(server);
      integrationId = await connectOpenAi(ws, { baseUrl: fake.baseUrl, apiKey: 'sk-test-key-123456', model: 'gpt-4o-mini' });
    });
    after(async () => {
      await server?.close();
      await fake?.close();
    });
    afterEach(() => expect(fake.pending(), 'every scripted answer was asked for').to.equal(0));

    it('connects through the API: the test lists the models, the integration becomes active, the form offers the models', async () => {
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${integrationId}/test`, { token: ws.token });
      expect(test.status).to.equal(200);
      expect(test.body).to.deep.equal({ ok: true, message: 'The key works: 2 models available.' });
      const read = await integrationOf(ws, integrationId);
      expect(read.status).to.equal('active');
      expect(read.config).to.deep.equal({ baseUrl: fake.baseUrl, apiKey: '********', model: 'gpt-4o-mini' });
      const options = await server.request('GET', `/api/subaccounts/${ws.sid}/integrations/${integrationId}/options/models`, { token: ws.token });
      expect(options.status).to.equal(200);
      expect(options.body.map((o: { value: string }) => o.value)).to.deep.equal(['gpt-4o', 'gpt-4o-mini']);
      const modelsCall = fake.sent.find((r) => r.path === '/v1/models');
      expect(modelsCall?.headers.authorization).to.equal('Bearer sk-test-key-123456');
    });

    it('ai.chat sends the prompts, temperature, max tokens and JSON mode, and parses the JSON answer', async () => {
      fake.script({ content: '{"greeting": "Hi Ann!", "tone": "warm"}', usage: { prompt_tokens: 31, completion_tokens: 9 } });
      const execution = await run(
        ws,
        { id: 'ai', type: 'ai.chat', config: { integrationId, model: 'gpt-4o', system: 'You write greetings.', prompt: 'Greet {{ $trigger.name }}.', temperature: 0.2, maxTokens: 120, json: true } },
        { name: 'Ann' },
      );
      const step = stepOf(execution, 'ai');
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.output).to.deep.equal({
        content: '{"greeting": "Hi Ann!", "tone": "warm"}',
        json: { greeting: 'Hi Ann!', tone: 'warm' },
        model: 'gpt-4o',
        finishReason: 'stop',
        usage: { promptTokens: 31, completionTokens: 9, totalTokens: 40 },
      });
      expect(step.logs.join('\n')).to.include('gpt-4o: 31 prompt + 9 completion = 40 tokens');
      const sent = fake.chats.at(-1)!;
      expect(sent.model).to.equal('gpt-4o');
      expect(sent.messages[0]!.role).to.equal('system');
      expect(sent.messages[0]!.content).to.include('You write greetings.').and.include('JSON');
      expect(sent.messages[1]).to.deep.equal({ role: 'user', content: 'Greet Ann.' });
      expect(sent).to.include({ temperature: 0.2, max_tokens: 120 });
      expect(sent.response_format).to.deep.equal({ type: 'json_object' });
      expect((execution as unknown as { usage: unknown }).usage).to.deep.equal({ promptTokens: 31, completionTokens: 9, totalTokens: 40 });
    });

    it('ai.chat without JSON mode uses the integration’s model and returns the text', async () => {
      fake.script({ content: 'Plain words.' });
      const execution = await run(ws, { id: 'ai', type: 'ai.chat', config: { integrationId, prompt: 'Say something.' } });
      const step = stepOf(execution, 'ai');
      expect(step.output.content).to.equal('Plain words.');
      expect(step.output).to.not.have.property('json');
      const sent = fake.chats.at(-1)!;
      expect(sent.model).to.equal('gpt-4o-mini');
      expect(sent.messages).to.deep.equal([{ role: 'user', content: 'Say something.' }]);
      expect(sent).to.not.have.any.keys('response_format', 'temperature', 'max_tokens');
    });

    it('ai.chat in JSON mode fails clearly when the answer is not JSON', async () => {
      fake.script({ content: 'Sure! Here you go: {' });
      const step = stepOf(await run(ws, { id: 'ai', type: 'ai.chat', config: { integrationId, prompt: 'Give JSON', json: true } }), 'ai');
      expect(step.status).to.equal('failed');
      expect(step.error).to.include({ code: 'invalid_answer', retryable: false });
      expect(step.error!.message).to.include('not JSON').and.include('Sure! Here you go');
    });

    describe('ai.classify', () => {
      const labels = [
        { name: 'send_email', description: 'the person asks us to email someone' },
        { name: 'create_opportunity', description: 'a new deal or sales lead' },
        { name: 'add_to_campaign' },
      ];
      const branches: Graph = {
        nodes: [...labels.map((l) => l.name), 'other'].map((port) => ({ id: `on_${port}`, type: 'logic.set', config: { value: { branch: port, label: '{{ $json.label }}' } } })),
        edges: [...labels.map((l) => l.name), 'other'].map((port) => ({ source: 'classify', target: `on_${port}`, sourcePort: port })),
      };
      /** Built when a test runs: the integration is connected in `before`. */
      const classify = () => ({ id: 'classify', type: 'ai.classify', config: { integrationId, text: '{{ $trigger.message }}', labels, instructions: 'Messages come from a chat widget.' } });

      it('routes to the port of the label the model chose', async () => {
        fake.script({ content: '{"label": "create_opportunity"}', usage: { prompt_tokens: 80, completion_tokens: 6 } });
        const execution = await run(ws, classify(), { message: 'We want to buy 40 seats next quarter.' }, branches);
        const step = stepOf(execution, 'classify');
        expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
        expect(portsOf(step)).to.deep.equal(['create_opportunity']);
        expect(step.output).to.deep.equal({ label: 'create_opportunity', text: 'We want to buy 40 seats next quarter.', model: 'gpt-4o-mini', usage: { promptTokens: 80, completionTokens: 6, totalTokens: 86 } });
        expect(stepOf(execution, 'on_create_opportunity')).to.include({ status: 'succeeded' });
        expect(stepOf(execution, 'on_create_opportunity').output).to.deep.equal({ branch: 'create_opportunity', label: 'create_opportunity' });
        for (const other of ['on_send_email', 'on_add_to_campaign', 'on_other']) expect(stepOf(execution, other).status).to.equal('skipped');
        const sent = fake.chats.at(-1)!;
        expect(sent.response_format).to.deep.equal({ type: 'json_object' });
        expect(sent.temperature).to.equal(0);
        expect(sent.messages[0]!.content).to.include('- send_email: the person asks us to email someone').and.include('- add_to_campaign').and.include('Messages come from a chat widget.');
        expect(sent.messages[1]!.content).to.equal('We want to buy 40 seats next quarter.');
      });

      it('routes to "other" when the model names no configured label', async () => {
        fake.script({ content: '{"label": "weather_question"}' });
        const execution = await run(ws, classify(), { message: 'Will it rain tomorrow?' }, branches);
        expect(portsOf(stepOf(execution, 'classify'))).to.deep.equal(['other']);
        expect(stepOf(execution, 'on_other').status).to.equal('succeeded');
        expect(stepOf(execution, 'on_send_email').status).to.equal('skipped');
      });

      it('lists one port per label plus other and error, and refuses edges from ports it does not have', async () => {
        const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
          token: ws.token,
          body: { name: 'x', graph: { nodes: [{ id: 't', type: 'trigger.manual' }, classify(), { id: 's', type: 'logic.set', config: { value: 1 } }], edges: [{ source: 't', target: 'classify' }, { source: 'classify', target: 's', sourcePort: 'refund' }] } },
        });
        expect(res.status).to.equal(400);
        expect(res.body.error.details[0].message).to.include('has no port "refund"').and.include('send_email, create_opportunity, add_to_campaign, other, error');
        const reserved = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
          token: ws.token,
          body: { name: 'x', graph: { nodes: [{ id: 't', type: 'trigger.manual' }, { ...classify(), config: { ...classify().config, labels: [{ name: 'other' }] } }], edges: [{ source: 't', target: 'classify' }] } },
        });
        expect(reserved.status).to.equal(400);
        expect(reserved.body.error.details[0].path).to.equal('/graph/nodes/1/config/labels/0/name');
      });
    });

    describe('ai.extract', () => {
      const extract = (extra: Record<string, unknown> = {}) => ({ id: 'x', type: 'ai.extract', config: { integrationId, text: '{{ $trigger.email }}', schema: contactSchema, ...extra } });

      it('returns the data when the first answer validates', async () => {
        fake.script({ content: '{"name": "Ann Lee", "email": "ann@example.test", "budget": 5000}' });
        const execution = await run(ws, extract(), { email: 'Hi, Ann Lee here (ann@example.test), budget 5k.' });
        const step = stepOf(execution, 'x');
        expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
        expect(step.output.data).to.deep.equal({ name: 'Ann Lee', email: 'ann@example.test', budget: 5000 });
        expect(step.output.asks).to.equal(1);
        const sent = fake.chats.at(-1)!;
        expect(sent.response_format).to.deep.equal({ type: 'json_object' });
        expect(sent.messages[0]!.content).to.include(JSON.stringify(contactSchema));
        expect(sent.messages[1]!.content).to.equal('Hi, Ann Lee here (ann@example.test), budget 5k.');
      });

      it('asks once more with the validation errors and takes the corrected answer', async () => {
        fake.script(
          { content: '{"name": "Ann Lee", "budget": "5k"}', usage: { prompt_tokens: 100, completion_tokens: 10 } },
          { content: '{"name": "Ann Lee", "email": "ann@example.test", "budget": 5000}', usage: { prompt_tokens: 150, completion_tokens: 12 } },
        );
        const execution = await run(ws, extract(), { email: 'Ann Lee, ann@example.test, 5k' });
        const step = stepOf(execution, 'x');
        expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
        expect(step.output).to.deep.include({ asks: 2, data: { name: 'Ann Lee', email: 'ann@example.test', budget: 5000 } });
        expect(step.output.usage).to.deep.equal({ promptTokens: 250, completionTokens: 22, totalTokens: 272 });
        const second = fake.chats.at(-1)!;
        expect(second.messages).to.have.length(4);
        expect(second.messages[2]).to.deep.equal({ role: 'assistant', content: '{"name": "Ann Lee", "budget": "5k"}' });
        expect(second.messages[3]!.role).to.equal('user');
        expect(second.messages[3]!.content).to.include('missing required property "email"').and.include('/budget: must be integer');
        expect(step.logs.join('\n')).to.include('answer 1 does not match the schema');
      });

      it('fails clearly after two answers that do not validate', async () => {
        fake.script({ content: 'not json at all' }, { content: '{"name": ""}' });
        const execution = await run(ws, extract(), { email: 'Someone wrote without a name or address.' });
        const step = stepOf(execution, 'x');
        expect(execution.status).to.equal('failed');
        expect(step.status).to.equal('failed');
        expect(step.error).to.include({ code: 'extraction_failed', retryable: false });
        expect(step.error!.message).to.equal('The model\'s answer did not match the schema after 2 tries: missing required property "email"; /name: must NOT have fewer than 1 characters.');
        expect(step.logs.join('\n')).to.include('answer 1 does not match the schema: the answer is not valid JSON');
      });

      it('refuses at save a schema that is not a JSON Schema, one with a pattern, or one that is not an object', async () => {
        const save = (schema: unknown) =>
          server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
            token: ws.token,
            body: { name: 'x', graph: { nodes: [{ id: 't', type: 'trigger.manual' }, { ...extract(), config: { ...extract().config, schema } }], edges: [{ source: 't', target: 'x' }] } },
          });
        const typo = await save({ type: 'object', properties: { name: { type: 'strng' } } });
        expect(typo.status).to.equal(400);
        expect(typo.body.error.details.map((d: { path: string }) => d.path)).to.include('/graph/nodes/1/config/schema/properties/name/type');
        const pattern = await save({ type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } });
        expect(pattern.status).to.equal(400);
        expect(pattern.body.error.details.map((d: { path: string }) => d.path)).to.include('/graph/nodes/1/config/schema/properties/code/pattern');
        const list = await save({ type: 'array', items: { type: 'string' } });
        expect(list.status).to.equal(400);
        expect(list.body.error.details.map((d: { path: string }) => d.path)).to.include('/graph/nodes/1/config/schema/type');
        const fine = await save({ type: 'object', properties: { pattern: { type: 'string' } } });
        expect(fine.status, 'a property named "pattern" is fine').to.equal(201);
      });
    });

    it('retries a 429 after its Retry-After, then succeeds', async () => {
      fake.script({ status: 429, retryAfterSeconds: 1 }, { content: 'after the limit' });
      const began = Date.now();
      const execution = await run(ws, { id: 'ai', type: 'ai.chat', config: { integrationId, prompt: 'Hi' }, ...fastRetry });
      const step = stepOf(execution, 'ai');
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(step.attempt).to.equal(2);
      expect(step.output.content).to.equal('after the limit');
      expect(step.logs.join('\n')).to.include('attempt 1 failed').and.include('429').and.include('Rate limit reached');
      expect(Date.now() - began, 'the retry waited for Retry-After, not the 10 ms backoff').to.be.at.least(950);
    });

    it('retries a 500, and gives up after the last attempt with a retryable error', async () => {
      fake.script({ status: 500 }, { status: 500 }, { status: 500 });
      const step = stepOf(await run(ws, { id: 'ai', type: 'ai.chat', config: { integrationId, prompt: 'Hi' }, ...fastRetry }), 'ai');
      expect(step.status).to.equal('failed');
      expect(step.attempt).to.equal(3);
      expect(step.error).to.include({ code: 'http_500', retryable: true });
      expect(step.error!.message).to.include('The server had an error');
    });

    it('counts a call that runs past its timeout as a retryable failure', async () => {
      fake.script({ delayMs: 2500, then: { content: 'too late' } });
      const step = stepOf(await run(ws, { id: 'ai', type: 'ai.chat', config: { integrationId, prompt: 'Hi', timeoutSeconds: 1 } }), 'ai');
      expect(step.status).to.equal('failed');
      expect(step.error).to.include({ code: 'timeout', retryable: true });
      expect(step.error!.message).to.include('did not answer within 1 s');
      await new Promise((r) => setTimeout(r, 1600));
    });

    it('a refused key (401) fails the step and marks the integration in error', async () => {
      const wrong = await connectOpenAi(ws, { baseUrl: fake.baseUrl, apiKey: 'sk-wrong-key-000000', model: 'gpt-4o-mini' });
      const step = stepOf(await run(ws, { id: 'ai', type: 'ai.chat', config: { integrationId: wrong, prompt: 'Hi' }, ...fastRetry }), 'ai');
      expect(step.status).to.equal('failed');
      expect(step.attempt, 'a refused key is not retried').to.equal(1);
      expect(step.error).to.include({ code: 'integration_auth_failed', retryable: false });
      expect(step.error!.message).to.include('refused the API key').and.include('Incorrect API key provided');
      expect(step.error!.message).to.not.include('sk-wrong-key-000000');
      const read = await integrationOf(ws, wrong);
      expect(read.status).to.equal('error');
      expect(read.lastError).to.include('refused the API key');
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${wrong}/test`, { token: ws.token });
      expect(test.body.ok).to.equal(false);
      expect(test.body.message).to.include('401');
    });

    it('sums the tokens of every AI step in the execution', async () => {
      fake.script(
        { content: '{"label": "send_email"}', usage: { prompt_tokens: 50, completion_tokens: 5 } },
        { content: '{"name": "Bo"}', usage: { prompt_tokens: 70, completion_tokens: 8 } },
        { content: '{"name": "Bo", "email": "bo@example.test"}', usage: { prompt_tokens: 90, completion_tokens: 11 } },
        { content: 'Done, Bo.', usage: { prompt_tokens: 20, completion_tokens: 4 } },
      );
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'classify', type: 'ai.classify', config: { integrationId, text: '{{ $trigger.message }}', labels: [{ name: 'send_email' }] } },
          { id: 'extract', type: 'ai.extract', config: { integrationId, text: '{{ $trigger.message }}', schema: contactSchema } },
          { id: 'reply', type: 'ai.chat', config: { integrationId, prompt: 'Confirm to {{ $node.extract.data.name }}' } },
        ],
        edges: [
          { source: 't', target: 'classify' },
          { source: 'classify', target: 'extract', sourcePort: 'send_email' },
          { source: 'extract', target: 'reply' },
        ],
      });
      const finished = await runAndWait(ws, flow.id, { message: 'Email Bo at bo@example.test' });
      expect(finished.status).to.equal('succeeded');
      const expected = { promptTokens: 230, completionTokens: 28, totalTokens: 258 };
      expect((finished as unknown as { usage: unknown }).usage).to.deep.equal(expected);
      const read = await getExecution(ws, finished.id);
      expect((read as unknown as { usage: unknown }).usage).to.deep.equal(expected);
      expect(fake.chats.at(-1)!.messages.at(-1)!.content).to.equal('Confirm to Bo');
    });

    it('an execution without AI steps has zero usage', async () => {
      const execution = await run(ws, { id: 's', type: 'logic.set', config: { value: { usage: { promptTokens: 5, completionTokens: 5, totalTokens: 10 } } } });
      expect((execution as unknown as { usage: unknown }).usage).to.deep.equal({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    });

    it('refuses a chat node without a prompt or an integration at save', async () => {
      const res = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: { name: 'x', graph: { nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'ai', type: 'ai.chat', config: { temperature: 7 } }], edges: [{ source: 't', target: 'ai' }] } },
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['/graph/nodes/1/config/prompt', '/graph/nodes/1/config/integrationId', '/graph/nodes/1/config/temperature']);
    });
  });
}

describe('AI nodes without ALLOW_PRIVATE_NETWORK', function () {
  let server: TestServer;
  let fake: FakeOpenAi;
  before(async () => {
    fake = await startFakeOpenAi();
    server = await startServer(databaseKinds[0]!);
  });
  after(async () => {
    await server?.close();
    await fake?.close();
  });

  it('refuses a base URL on a loopback address, in the test and in a step', async () => {
    const ws = await workspace(server);
    const id = await connectOpenAi(ws, { baseUrl: fake.baseUrl, apiKey: 'sk-test-key', model: 'gpt-4o-mini' });
    const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${id}/test`, { token: ws.token });
    expect(test.body.ok).to.equal(false);
    expect(test.body.message).to.include('Refused to call 127.0.0.1');
    const step = stepOf(await run(ws, { id: 'ai', type: 'ai.chat', config: { integrationId: id, prompt: 'Hi' } }), 'ai');
    expect(step.error).to.include({ code: 'private_network', retryable: false });
    expect(fake.sent).to.have.length(0);
  });
});
