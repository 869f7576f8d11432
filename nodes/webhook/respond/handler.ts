import type { FromSchema } from 'json-schema-to-ts';
import { defineNode, type Json } from '../../contract.js';

// Set by the server from the body, or meaningless once the answer is framed: a flow may not choose them.
const RESERVED_HEADERS = ['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te'];

const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'integer', minimum: 200, maximum: 599, default: 200, description: 'HTTP status of the answer.' },
    headers: {
      type: 'object',
      maxProperties: 50,
      // An HTTP token as the name, and no line breaks in the value: nothing can split the response.
      propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$" },
      additionalProperties: { type: 'string', maxLength: 4000, pattern: '^[^\\r\\n\\u0000]*$' },
      description: 'Response headers, e.g. {"Content-Type": "text/plain"}.',
    },
    body: { description: 'The body: any JSON (sent as JSON), or a string (sent as text unless a Content-Type header says otherwise). Default: the input.' },
  },
} as const;

type Config = FromSchema<typeof configSchema>;

export default defineNode<Config>({
  type: 'webhook.respond',
  category: 'Logic',
  title: 'Respond to webhook',
  description:
    'Answers the webhook request that started the execution, when its trigger has respond "onResponseNode", with this status, headers and body; the flow goes on after it. ' +
    'With another respond mode, or once the request was answered, it only passes its input on.',
  configSchema,
  outputs: ['main'],
  run({ config, input, log }) {
    const headers = Object.fromEntries(Object.entries(config.headers ?? {}).filter(([name]) => !RESERVED_HEADERS.includes(name.toLowerCase())));
    const body = (config.body === undefined ? input : config.body) as Json;
    log(`responding ${config.status ?? 200}`);
    return { main: input, $respond: { status: config.status ?? 200, headers, body } };
  },
});
