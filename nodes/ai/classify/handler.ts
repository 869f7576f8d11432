import { defineNode, NodeError } from '../../contract.js';
import { chat } from '../lib/chat.js';
import { aiFailures } from '../lib/fields.js';
import { configSchema, type Config } from './schema.js';

type Label = Config['labels'][number];

function systemPrompt(labels: Label[], instructions: string | undefined): string {
  const lines = labels.map((l) => `- ${l.name}${l.description ? `: ${l.description}` : ''}`);
  return [
    'You classify the text the user sends into exactly one of these labels:',
    ...lines,
    '- other: none of the labels above fits.',
    instructions ?? '',
    'Answer with a JSON object {"label": "<one of the label names>"} and nothing else.',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The label the model chose, matched leniently (case, quotes, stray text); null when it named none of them. */
function chosenLabel(content: string, labels: Label[]): string | null {
  let named: unknown = content;
  try {
    const parsed = JSON.parse(content) as unknown;
    named = parsed && typeof parsed === 'object' ? (parsed as { label?: unknown }).label : parsed;
  } catch {
    // Not JSON: some servers ignore JSON mode; read the text as the label.
  }
  if (typeof named !== 'string') return null;
  // Labels are short: a long answer is no label, and the trimming below stays cheap.
  const wanted = named.trim().slice(0, 100).replace(/^["'`]+|["'`.]+$/g, '').toLowerCase();
  return labels.find((l) => l.name.toLowerCase() === wanted)?.name ?? null;
}

export default defineNode<Config>({
  type: 'ai.classify',
  category: 'AI',
  title: 'AI classify',
  description:
    'Asks an OpenAI-compatible chat model which of the configured labels fits the text, and emits {label, text, model, usage} on that label’s port, or on "other" when none fits. ' +
    aiFailures,
  configSchema,
  outputs: (config) => [...(Array.isArray(config?.labels) ? config.labels.map((l) => l.name) : []), 'other', 'error'],
  outputsDescription: 'One port per label, named after it and in its order, then "other" for text that fits no label, and "error".',
  integration: 'openai',
  async run(ctx) {
    const { config } = ctx;
    const seen = new Set<string>();
    for (const { name } of config.labels) {
      if (seen.has(name.toLowerCase())) throw new NodeError(`Two labels are named "${name}". Give each label its own name.`, 'invalid_config');
      seen.add(name.toLowerCase());
    }
    const answer = await chat(ctx, {
      messages: [
        { role: 'system', content: systemPrompt(config.labels, config.instructions) },
        { role: 'user', content: config.text },
      ],
      model: config.model,
      temperature: config.temperature ?? 0,
      maxTokens: config.maxTokens,
      json: true,
      timeoutSeconds: config.timeoutSeconds,
    });
    const label = chosenLabel(answer.content, config.labels);
    ctx.log(label ? `classified as ${label}` : `the model answered ${answer.content.slice(0, 100)}: no label fits, sending to "other"`);
    const port = label ?? 'other';
    return { [port]: { label: port, text: config.text, model: answer.model, usage: answer.usage } };
  },
});
