import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { NodeRegistry, nodeRegistry } from '../../nodes/registry.js';
import type { AnyNodeDefinition } from '../../nodes/contract.js';
import type { FlowGraph } from '../../schemas/flow.js';
import { isSealed, maskGraph, pointerText, revealGraph, sealGraph, secretPointers } from '../../server/integrations/node-secrets.js';

const pointers = (schema: object) => secretPointers(schema).map(pointerText);

const nested = {
  type: 'object',
  properties: {
    plain: { type: 'string' },
    token: { type: 'string', format: 'password' },
    auth: { type: 'object', properties: { user: { type: 'string' }, pass: { type: 'string', 'x-secret': true } } },
    headers: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string', 'x-secret': true } } } },
    vault: { type: 'object', additionalProperties: { type: 'string', 'x-secret': true } },
    mode: { anyOf: [{ type: 'object', properties: { key: { $ref: '#/$defs/key' } } }, { type: 'string' }] },
  },
  $defs: { key: { type: 'string', 'x-secret': true } },
} as const;

describe('secret fields of node configs', () => {
  it('finds every secret field by walking the schema: nested objects, arrays, maps, combinators and $refs', () => {
    expect(pointers(nested)).to.have.members(['/token', '/auth/pass', '/headers/*/value', '/vault/*', '/mode/key']);
    expect(secretPointers(nested)).to.equal(secretPointers(nested), 'computed once per schema');
  });

  it('places the secret fields of every registered node type (a secret it cannot place throws)', async () => {
    const registry = await nodeRegistry();
    for (const definition of registry.all()) expect(() => secretPointers(definition.configSchema), definition.type).to.not.throw();
    expect(pointers(registry.get('trigger.webhook')!.configSchema)).to.deep.equal(['/signature/secret']);
    const recursive = { type: 'object', $id: 'urn:t', properties: { child: { $ref: '#' }, pin: { type: 'string', 'x-secret': true } } };
    expect(() => secretPointers(recursive)).to.throw(/recursive/);
    expect(() => secretPointers({ type: 'object', not: { properties: { a: { 'x-secret': true } } } })).to.throw(/cannot be located/);
  });

  it('seals, masks, keeps a masked value and reveals, for any node type', () => {
    const definition = { type: 'test.secrets', category: 'Test', title: 't', description: '', configSchema: nested, outputs: ['main'], run: () => ({}) } as unknown as AnyNodeDefinition;
    const registry = new NodeRegistry([definition]);
    const key = randomBytes(32);
    const config = { plain: 'p', token: 't0k', auth: { user: 'u', pass: 'pw' }, headers: [{ name: 'a', value: 'v1' }, { name: 'b' }], vault: { x: 'X', y: 'Y' }, mode: { key: '{{ $json.k }}' } };
    const graph = { nodes: [{ id: 'n', type: 'test.secrets', config }], edges: [] } as FlowGraph;

    const sealed = sealGraph(graph, registry, key);
    const stored = sealed.nodes[0].config as typeof config & Record<string, unknown>;
    for (const value of [stored.token, stored.auth.pass, stored.headers[0].value, stored.vault.x, stored.mode.key]) expect(isSealed(value)).to.equal(true);
    expect(stored.plain).to.equal('p');
    expect(stored.headers[1]).to.deep.equal({ name: 'b' });
    const text = JSON.stringify(sealed);
    for (const secret of ['t0k', 'pw', 'v1', 'X', 'Y', '{{ $json.k }}']) expect(text).to.not.include(JSON.stringify(secret));

    const masked = maskGraph(sealed, registry);
    expect(masked.nodes[0].config).to.deep.equal({ ...config, token: '********', auth: { user: 'u', pass: '********' }, headers: [{ name: 'a', value: '********' }, { name: 'b' }], vault: { x: '********', y: '********' }, mode: { key: '********' } });
    expect(revealGraph(sealed, registry, key)).to.deep.equal(graph);

    const resaved = sealGraph(masked, registry, key, sealed);
    expect(resaved).to.deep.equal(sealed, 'masks keep their seals: an unchanged graph stays byte for byte the same');
    expect(() => sealGraph(masked, registry, key)).to.throw().with.property('details').that.has.length(6);
    expect(() => revealGraph(sealed, registry, randomBytes(32))).to.throw(/node "n": the secret at \/token cannot be decrypted/);
  });
});
