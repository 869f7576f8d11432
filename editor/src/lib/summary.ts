import type { FlowNode } from '../api/types.js';
import { describeRules, type RuleGroupModel } from './rules.js';

const MAX = 60;

const clip = (text: string): string => (text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text);

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

/** One line that says what a node is set to do, for its card on the canvas. */
export function summarise(node: Pick<FlowNode, 'type' | 'config'>): string {
  const config = node.config ?? {};
  switch (node.type) {
    case 'logic.condition':
      return clip(config.rules ? describeRules(config.rules as RuleGroupModel) : 'no rules');
    case 'logic.switch': {
      const cases = Array.isArray(config.cases) ? (config.cases as Array<{ port?: string }>) : [];
      return clip(cases.length ? `cases: ${cases.map((c) => c.port).join(', ')}` : 'no cases');
    }
    case 'http.request':
      return clip(`${scalar(config.method ?? 'GET')} ${scalar(config.url ?? '')}`);
    case 'trigger.schedule':
      return clip(`${scalar(config.cron ?? '')} ${config.timezone ? `(${scalar(config.timezone)})` : ''}`.trim());
    case 'trigger.webhook':
      return clip(`respond ${scalar(config.respond ?? 'onReceived')}${config.signature ? ', signed' : ''}`);
  }
  const parts = Object.entries(config)
    .filter(([key, value]) => value !== undefined && value !== '' && key !== 'integrationId')
    .map(([key, value]) => `${key}: ${scalar(value)}`);
  return clip(parts.join(', '));
}
