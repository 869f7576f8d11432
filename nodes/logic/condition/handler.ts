import { defineNode } from '../../contract.js';
import { evaluateRules, mayRunRegex, ruleGroupSchema, type RuleGroup } from '../rules.js';

const configSchema = {
  type: 'object',
  required: ['rules'],
  properties: { rules: ruleGroupSchema },
  additionalProperties: false,
} as const;

// Hand-written rather than FromSchema: the rule group schema is recursive (see rules.ts).
interface Config {
  rules: RuleGroup;
}

export default defineNode<Config>({
  type: 'logic.condition',
  category: 'Logic',
  title: 'Condition',
  description:
    'Sends the input on "true" when the rules hold and on "false" otherwise. Rules compare text, numbers, dates, true/false values and lists, and nest in and/or groups.',
  configSchema,
  outputs: ['true', 'false'],
  pure: true,
  sandboxed: (config) => mayRunRegex((config as Partial<Config>).rules),
  run({ config, input }) {
    return evaluateRules(config.rules) ? { true: input } : { false: input };
  },
});
