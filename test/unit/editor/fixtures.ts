import type { FlowGraph, NodeType } from '../../../editor/src/api/types.js';
import { catalogOf } from '../../../editor/src/lib/graph.js';

const schema = { type: 'object' };

/** A catalog shaped like GET /api/nodes answers it. */
export const types: NodeType[] = [
  { type: 'trigger.webhook', category: 'Triggers', title: 'Webhook', description: 'Starts on a request', configSchema: schema, outputs: ['main'], trigger: true },
  { type: 'trigger.manual', category: 'Triggers', title: 'Manual', description: 'Starts by hand', configSchema: schema, outputs: ['main'], trigger: true },
  { type: 'logic.condition', category: 'Logic', title: 'Condition', description: 'true or false', configSchema: schema, outputs: ['true', 'false'] },
  { type: 'logic.switch', category: 'Logic', title: 'Switch', description: 'cases', configSchema: schema, outputs: ['default'], dynamicOutputs: 'Ports follow the config.' },
  { type: 'logic.set', category: 'Logic', title: 'Set', description: 'Builds JSON', configSchema: schema, outputs: ['main'] },
  { type: 'http.request', category: 'HTTP', title: 'HTTP request', description: 'Any HTTP call', configSchema: schema, outputs: ['main', 'error'] },
];
export const catalog = catalogOf(types);

/** webhook → condition → (true) set */
export const graph = (): FlowGraph => ({
  nodes: [
    { id: 'hook', type: 'trigger.webhook', config: {}, position: { x: 0, y: 0 } },
    { id: 'check', type: 'logic.condition', config: { rules: { combinator: 'and', rules: [{ left: '{{ $json.body.email }}', operator: 'is_not_empty' }] } }, position: { x: 300, y: 0 } },
    { id: 'set', type: 'logic.set', config: { value: { ok: true } }, position: { x: 600, y: 0 } },
  ],
  edges: [
    { source: 'hook', sourcePort: 'main', target: 'check' },
    { source: 'check', sourcePort: 'true', target: 'set' },
  ],
});
