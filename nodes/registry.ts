import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyNodeDefinition } from './contract.js';

const NODES_DIR = dirname(fileURLToPath(import.meta.url));
// The same loader runs from TypeScript sources (tsx) and from compiled dist/.
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export class NodeRegistry {
  private readonly byType = new Map<string, AnyNodeDefinition>();

  constructor(definitions: AnyNodeDefinition[]) {
    for (const definition of definitions) {
      if (this.byType.has(definition.type)) throw new Error(`node type ${definition.type} is defined twice`);
      this.byType.set(definition.type, definition);
    }
  }

  get(type: string): AnyNodeDefinition | undefined {
    return this.byType.get(type);
  }

  all(): AnyNodeDefinition[] {
    return [...this.byType.values()].sort((a, b) => a.category.localeCompare(b.category) || a.type.localeCompare(b.type));
  }
}

/** Finds every `nodes/<category>/<name>/handler` and imports its default export: adding a node is adding a folder. */
export async function loadNodeRegistry(): Promise<NodeRegistry> {
  const files: string[] = [];
  for (const category of readdirSync(NODES_DIR, { withFileTypes: true })) {
    if (!category.isDirectory()) continue;
    for (const node of readdirSync(join(NODES_DIR, category.name), { withFileTypes: true })) {
      const file = join(NODES_DIR, category.name, node.name, `handler${EXTENSION}`);
      if (node.isDirectory() && existsSync(file)) files.push(file);
    }
  }
  const modules = await Promise.all(files.map((file) => import(pathToFileURL(file).href) as Promise<{ default: AnyNodeDefinition }>));
  return new NodeRegistry(modules.map((m) => m.default));
}

let shared: Promise<NodeRegistry> | undefined;
/** Node modules are code, identical for every app in the process: load them once. */
export const nodeRegistry = (): Promise<NodeRegistry> => (shared ??= loadNodeRegistry());
