import { defineNode, NodeError } from '../../contract.js';
import { evaluateRules, mayRunRegex, ruleGroupSchema, type RuleGroup } from '../rules.js';

const configSchema = {
  type: 'object',
  required: ['cases'],
  properties: {
    cases: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        required: ['port', 'rules'],
        properties: {
          // "default" is the port for inputs no case matches.
          port: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$', not: { const: 'default' } },
          rules: ruleGroupSchema,
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

// Hand-written rather than FromSchema: the rule group schema is recursive (see rules.ts).
interface Config {
  cases: Array<{ port: string; rules: RuleGroup }>;
}

export default defineNode<Config>({
  type: 'logic.switch',
  category: 'Logic',
  title: 'Switch',
  description: 'Sends the input on the port of the first case whose rules hold, or on "default" when no case matches.',
  configSchema,
  outputs: (config) => [...config.cases.map((c) => c.port), 'default'],
  outputsDescription: 'One port per case, named after the case and in its order, then "default" for inputs that match no case.',
  pure: true,
  sandboxed: (config) => {
    const cases = (config as Partial<Config>).cases;
    return !Array.isArray(cases) || cases.some((c) => mayRunRegex(c?.rules));
  },
  run({ config, input }) {
    // Checked before evaluating so a duplicate fails every run, not only the runs that reach it.
    const seen = new Set<string>();
    for (const { port } of config.cases) {
      if (seen.has(port)) throw new NodeError(`Two cases use the port "${port}". Give each case its own port name.`, 'invalid_config');
      seen.add(port);
    }
    const match = config.cases.find((c) => evaluateRules(c.rules));
    return { [match ? match.port : 'default']: input };
  },
});
