import type { ExecutionSummary, Flow, FlowTemplate } from '../api/types.js';

/** Flows whose name or description holds every word of the search. */
export function searchFlows<T extends Pick<Flow, 'name' | 'description'>>(flows: T[], search: string): T[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return flows.filter((f) => words.every((w) => `${f.name} ${f.description ?? ''}`.toLowerCase().includes(w)));
}

/** The newest execution of each flow, from a newest-first list. */
export function lastExecutions(executions: ExecutionSummary[]): Map<string, ExecutionSummary> {
  const last = new Map<string, ExecutionSummary>();
  for (const e of executions) if (!last.has(e.flowId)) last.set(e.flowId, e);
  return last;
}

/** A new flow: one manual trigger, so it is valid and can be run at once. */
export const starterGraph = () => ({ nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start', config: {}, position: { x: 0, y: 0 } }], edges: [] });

/** "3 min ago" style times. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

const SERVICE_NAMES: Record<string, string> = { gohighlevel: 'GoHighLevel', openai: 'OpenAI', smtp: 'SMTP', stripe: 'Stripe' };

/** A template card's facts line: its size and the services it connects to ("9 nodes · GoHighLevel, OpenAI"). */
export function templateFacts(template: Pick<FlowTemplate, 'graph' | 'integrations'>): string {
  const count = template.graph.nodes.length;
  const size = `${count} node${count === 1 ? '' : 's'}`;
  const services = template.integrations.map((id) => SERVICE_NAMES[id] ?? id);
  return services.length ? `${size} · ${services.join(', ')}` : size;
}
