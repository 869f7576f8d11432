import { defineNode } from '../../contract.js';
import { configSchema, type Config } from './schema.js';

export default defineNode<Config>({
  type: 'logic.set',
  category: 'Logic',
  title: 'Set',
  description: 'Builds a new JSON value from expressions: every `{{ … }}` inside `value` is resolved against the input. With `merge`, the result is merged over the input object.',
  configSchema,
  outputs: ['main'],
  pure: true,
  run({ config, input }) {
    const value = config.value;
    const mergeable = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
    if (config.merge && mergeable(input) && mergeable(value)) return { main: { ...input, ...value } };
    return { main: value ?? null };
  },
});
