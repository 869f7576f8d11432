import { defineNode, NodeError, type Json } from '../../contract.js';
import { chat, totalUsage, type ChatAnswer, type ChatMessage } from '../lib/chat.js';
import { aiFailures } from '../lib/fields.js';
import { answerValidator, describeErrors } from './answer-schema.js';
import { configSchema, type Config } from './schema.js';

/** The first ask and one more with the validation errors. */
const ASKS = 2;

function systemPrompt(schema: Record<string, unknown>, instructions: string | undefined): string {
  return [
    'You extract structured data from the text the user sends.',
    instructions ?? '',
    'Answer with a single JSON object, and nothing else, that validates against this JSON Schema:',
    JSON.stringify(schema),
    'Leave out optional properties the text does not give; do not invent values.',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Why an answer is not acceptable, or null when it parses and validates. */
function problems(content: string, validate: ReturnType<typeof answerValidator>): { data?: Json; errors: string[] } {
  let data: Json;
  try {
    data = JSON.parse(content) as Json;
  } catch {
    return { errors: ['the answer is not valid JSON'] };
  }
  if (validate(data)) return { data, errors: [] };
  return { errors: describeErrors(validate.errors) };
}

export default defineNode<Config>({
  type: 'ai.extract',
  category: 'AI',
  title: 'AI extract',
  description:
    'Asks an OpenAI-compatible chat model for JSON that validates against the JSON Schema in the config, and emits {data, model, asks, usage}. ' +
    'An answer that does not validate is sent back once with the validation errors; if the second answer fails too, the step fails naming them. ' +
    aiFailures,
  configSchema,
  outputs: ['main', 'error'],
  integration: 'openai',
  async run(ctx) {
    const { config } = ctx;
    const validate = answerValidator(config.schema);
    const messages: ChatMessage[] = [
      { role: 'system', content: systemPrompt(config.schema, config.instructions) },
      { role: 'user', content: config.text },
    ];
    const answers: ChatAnswer[] = [];
    let errors: string[] = [];
    for (let ask = 1; ask <= ASKS; ask++) {
      const answer = await chat(ctx, { messages, model: config.model, temperature: config.temperature ?? 0, maxTokens: config.maxTokens, json: true, timeoutSeconds: config.timeoutSeconds });
      answers.push(answer);
      const checked = problems(answer.content, validate);
      if (checked.data !== undefined) {
        return { main: { data: checked.data, model: answer.model, asks: ask, usage: totalUsage(answers) } };
      }
      errors = checked.errors;
      ctx.log(`answer ${ask} does not match the schema: ${errors.join('; ')}`);
      messages.push(
        { role: 'assistant', content: answer.content },
        { role: 'user', content: `That answer does not validate against the schema: ${errors.join('; ')}. Answer again with only the corrected JSON object.` },
      );
    }
    const usage = totalUsage(answers);
    ctx.log(`gave up after ${ASKS} answers (${usage.totalTokens} tokens)`);
    throw new NodeError(`The model's answer did not match the schema after ${ASKS} tries: ${errors.join('; ')}.`, 'extraction_failed');
  },
});
