import { outputsOf } from '../../nodes/contract.js';
import type { NodeRegistry } from '../../nodes/registry.js';

type Schema = { type?: unknown; enum?: unknown[]; default?: unknown; description?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; format?: string };

function typeOf(schema: Schema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  const type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : String(schema.type ?? 'any');
  if (type === 'array' && schema.items) return `array of ${typeOf(schema.items)}`;
  return schema.format ? `${type} (${schema.format})` : type;
}

/** One row per config field, nested fields written with dots. */
function fieldRows(schema: Schema, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = prefix + name;
    const required = schema.required?.includes(name) ? 'yes' : '';
    const fallback = field.default !== undefined ? `\`${JSON.stringify(field.default)}\`` : '';
    rows.push(`| \`${path}\` | ${typeOf(field)} | ${required} | ${fallback} | ${(field.description ?? '').replace(/\|/g, '\\|')} |`);
    if (field.properties) rows.push(...fieldRows(field, `${path}.`));
  }
  return rows;
}

/** `docs/nodes.md`, generated from the registry so it cannot drift from the schemas. */
export function renderNodeDocs(registry: NodeRegistry): string {
  const parts = [
    '# Nodes',
    '',
    'Generated from the node registry by `npm run docs:nodes`; do not edit by hand. Every string in a config may hold',
    '`{{ … }}` JSONata expressions over `$json`, `$trigger`, `$node` and `$execution`.',
  ];
  let category = '';
  for (const node of registry.all()) {
    if (node.category !== category) {
      category = node.category;
      parts.push('', `## ${category}`);
    }
    const outputs = typeof node.outputs === 'function' ? `${node.outputsDescription ?? 'follow the config'} (e.g. ${outputsOf(node, { cases: [] }).join(', ')})` : node.outputs.join(', ');
    parts.push('', `### ${node.title} (\`${node.type}\`)`, '', node.description, '', `Outputs: ${outputs}.`);
    const rows = fieldRows(node.configSchema as Schema);
    if (rows.length) parts.push('', '| field | type | required | default | description |', '|---|---|---|---|---|', ...rows);
  }
  return parts.join('\n') + '\n';
}
