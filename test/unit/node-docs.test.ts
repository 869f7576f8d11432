import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { nodeRegistry } from '../../nodes/registry.js';
import { renderNodeDocs } from '../../server/docs/node-docs.js';

describe('node documentation', () => {
  it('docs/nodes.md matches the registry (run `npm run docs:nodes` after changing a node)', async () => {
    const expected = renderNodeDocs(await nodeRegistry());
    expect(readFileSync(new URL('../../docs/nodes.md', import.meta.url), 'utf8')).to.equal(expected);
    expect(expected).to.include('### Condition (`logic.condition`)');
    expect(expected).to.include('| `signature.header` | string | yes |');
  });
});
