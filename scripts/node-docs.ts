// Writes docs/nodes.md from the node registry.
import { writeFileSync } from 'node:fs';
import { nodeRegistry } from '../nodes/registry.js';
import { renderNodeDocs } from '../server/docs/node-docs.js';

writeFileSync(new URL('../docs/nodes.md', import.meta.url), renderNodeDocs(await nodeRegistry()));
console.log('wrote docs/nodes.md');
