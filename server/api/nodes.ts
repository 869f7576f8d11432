import { outputsOf } from '../../nodes/contract.js';
import type { NodeRegistry } from '../../nodes/registry.js';
import type { ApiRoutes } from './routes.js';

/** The catalog the editor renders forms from (CONTRACT §4). */
export function nodeCatalog(registry: NodeRegistry) {
  return registry.all().map((d) => ({
    type: d.type,
    category: d.category,
    title: d.title,
    description: d.description,
    configSchema: d.configSchema,
    ...(d.uiSchema ? { uiSchema: d.uiSchema } : {}),
    outputs: typeof d.outputs === 'function' ? outputsOf(d, { cases: [] }) : [...d.outputs],
    ...(typeof d.outputs === 'function' ? { dynamicOutputs: d.outputsDescription ?? 'Ports follow the config.' } : {}),
    ...(d.trigger ? { trigger: true } : {}),
    ...(d.integration ? { integration: d.integration } : {}),
    ...(d.integrationOptional ? { integrationOptional: true } : {}),
    ...(d.acceptsIntegration ? { acceptsCustomTemplates: true } : {}),
  }));
}

export function nodeRoutes(api: ApiRoutes, registry: NodeRegistry): void {
  const catalog = nodeCatalog(registry);
  api.add({ method: 'get', path: '/api/nodes', summary: 'The node catalog: types, config schemas, output ports', tag: 'nodes', auth: 'agency' }, () => catalog);
}
