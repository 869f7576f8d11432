import type { NodeRegistry } from '../../nodes/registry.js';
import type { FlowGraph, FlowNode } from '../../schemas/flow.js';
import { badRequest, type ErrorDetail } from '../lib/errors.js';
import { seal, unseal, type Sealed } from './crypto.js';
import { MASK } from './vault.js';

/**
 * Secrets written inline in a node's config (CONTRACT §4's rule for integrations, applied to nodes):
 * every field whose schema says `"x-secret": true` or `"format": "password"` is sealed at rest, shown as
 * "********", kept when the mask is sent back, and revealed only where it is used (webhook intake, the
 * engine). Every value in such a field is sealed, `{{ … }}` expressions included: an expression can hold
 * the secret as a literal, and telling the two apart is not worth the risk.
 */

/** A path to a secret field inside a config; `null` stands for any array index or object key. */
export type SecretPointer = readonly (string | null)[];

/** How a sealed value is stored in place of the secret. */
export interface SealedValue {
  $sealed: Sealed;
}

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSecretSchema = (schema: Schema): boolean => schema['x-secret'] === true || schema.format === 'password';
const escape = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export const isSealed = (value: unknown): value is SealedValue => isObject(value) && isObject(value.$sealed) && value.$sealed.v === 1;
export const pointerText = (pointer: SecretPointer): string => pointer.map((s) => `/${s === null ? '*' : escape(s)}`).join('');

const SAME_PLACE = ['anyOf', 'oneOf', 'allOf'];
const SAME_PLACE_ONE = ['if', 'then', 'else'];
/** Keywords whose values are data, not schemas. */
const DATA_KEYWORDS = new Set(['default', 'examples', 'enum', 'const']);

/** Keywords whose values map names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions']);

/** Every schema object marked secret anywhere in a schema, by plain traversal (refs not followed). */
function markedSecrets(node: unknown, out = new Set<Schema>()): Set<Schema> {
  if (Array.isArray(node)) node.forEach((n) => markedSecrets(n, out));
  else if (isObject(node)) {
    if (isSecretSchema(node)) out.add(node);
    for (const [key, n] of Object.entries(node)) {
      if (SCHEMA_MAPS.has(key) && isObject(n)) Object.values(n).forEach((sub) => markedSecrets(sub, out));
      else if (!DATA_KEYWORDS.has(key)) markedSecrets(n, out);
    }
  }
  return out;
}

/** A local `$ref` (`#`, `#/$defs/x`) resolved against the nearest schema resource, or undefined. */
function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  const segments = ref.slice(1).split('/').slice(1).map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  const target = segments.reduce<unknown>((at, s) => (isObject(at) ? at[s] : undefined), root);
  return isObject(target) ? target : undefined;
}

/**
 * The secret fields of a config schema, found by walking it (properties, items, additionalProperties,
 * combinators, local `$ref`s). A secret the walk cannot place (inside a recursive definition, or under a
 * keyword it does not follow) is a programming error and throws, rather than leaving a secret in clear.
 */
function findPointers(schema: Schema): SecretPointer[] {
  const found: SecretPointer[] = [];
  const reached = new Set<Schema>();
  const walk = (node: unknown, path: SecretPointer, root: Schema, refs: readonly Schema[]): void => {
    if (!isObject(node)) return;
    if (typeof node.$id === 'string') root = node;
    if (isSecretSchema(node)) {
      reached.add(node);
      found.push(path);
      return;
    }
    if (typeof node.$ref === 'string') {
      const target = resolveRef(node.$ref, root);
      if (target && refs.includes(target)) {
        if (markedSecrets(target).size) throw new Error(`a secret field under ${pointerText(path)} sits inside a recursive schema ($ref ${node.$ref})`);
      } else if (target) walk(target, path, root, [...refs, target]);
    }
    for (const [key, sub] of Object.entries(isObject(node.properties) ? node.properties : {})) walk(sub, [...path, key], root, refs);
    for (const sub of Object.values(isObject(node.patternProperties) ? node.patternProperties : {})) walk(sub, [...path, null], root, refs);
    for (const key of ['additionalProperties', 'unevaluatedProperties', 'items', 'contains']) walk(node[key], [...path, null], root, refs);
    if (Array.isArray(node.prefixItems)) node.prefixItems.forEach((sub, i) => walk(sub, [...path, String(i)], root, refs));
    for (const key of SAME_PLACE) if (Array.isArray(node[key])) (node[key] as unknown[]).forEach((sub) => walk(sub, path, root, refs));
    for (const key of SAME_PLACE_ONE) walk(node[key], path, root, refs);
    for (const sub of Object.values(isObject(node.dependentSchemas) ? node.dependentSchemas : {})) walk(sub, path, root, refs);
  };
  walk(schema, [], schema, [schema]);
  for (const marked of markedSecrets(schema)) {
    if (!reached.has(marked)) throw new Error(`a secret field (${JSON.stringify(marked).slice(0, 80)}) cannot be located in configs; declare it under properties or items`);
  }
  const unique = new Map(found.map((p) => [pointerText(p), p]));
  return [...unique.values()];
}

const pointersBySchema = new WeakMap<object, SecretPointer[]>();

/** The secret fields of a node type's config schema, computed once per schema. */
export function secretPointers(schema: object): SecretPointer[] {
  let pointers = pointersBySchema.get(schema);
  if (!pointers) {
    pointers = findPointers(schema as Schema);
    pointersBySchema.set(schema, pointers);
  }
  return pointers;
}

type Leaf = (value: unknown, path: string) => unknown;

/** A copy of `value` with `fn` applied to what sits at `pointer` (every match of a wildcard). */
function mapAt(value: unknown, pointer: SecretPointer, fn: Leaf, path: string, done: Set<string>): unknown {
  if (!pointer.length) {
    if (value === undefined || done.has(path)) return value;
    done.add(path);
    return fn(value, path);
  }
  const [head, ...rest] = pointer;
  if (Array.isArray(value)) return value.map((v, i) => (head === null || head === String(i) ? mapAt(v, rest, fn, `${path}/${i}`, done) : v));
  if (!isObject(value)) return value;
  const keys = head === null ? Object.keys(value) : Object.hasOwn(value, head) ? [head] : [];
  if (!keys.length) return value;
  const copy = { ...value };
  for (const key of keys) copy[key] = mapAt(value[key], rest, fn, `${path}/${escape(key)}`, done);
  return copy;
}

/** A copy of the graph with `fn` applied to every secret value of every node of a known type. */
function mapSecrets(graph: FlowGraph, registry: NodeRegistry, fn: (value: unknown, path: string, node: FlowNode, index: number) => unknown): FlowGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((node, index) => {
      const definition = registry.get(node.type);
      const pointers = definition && node.config ? secretPointers(definition.configSchema) : [];
      if (!pointers.length) return node;
      const done = new Set<string>();
      const config = pointers.reduce<unknown>((c, p) => mapAt(c, p, (value, path) => fn(value, path, node, index), '', done), node.config);
      return { ...node, config: config as FlowNode['config'] };
    }),
  };
}

/** The value at a concrete JSON pointer inside a config, or undefined. */
function valueAt(config: unknown, path: string): unknown {
  const segments = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return segments.reduce<unknown>((at, s) => (at && typeof at === 'object' && Object.hasOwn(at, s) ? (at as Record<string, unknown>)[s] : undefined), config);
}

/** The graph as answers show it: every secret value (sealed, or clear in rows older than sealing) as "********". */
export function maskGraph(graph: FlowGraph, registry: NodeRegistry): FlowGraph {
  return mapSecrets(graph, registry, () => MASK);
}

/** A stored secret in clear: unsealed, or as is when it was stored before sealing existed. */
export function revealSecret(value: unknown, key: Buffer): unknown {
  return isSealed(value) ? unseal(value.$sealed, key) : value;
}

const sameValue = (stored: unknown, value: unknown, key: Buffer): boolean => {
  try {
    return JSON.stringify(revealSecret(stored, key)) === JSON.stringify(value);
  } catch {
    return false;
  }
};

/**
 * The graph as stored: every secret sealed. A value sent back as "********" keeps the value of the node
 * with the same id and type in `previous` (the current version); with nothing to keep it is a 400 naming
 * the field. An unchanged secret keeps its stored seal, so saving the same graph makes no new version.
 */
export function sealGraph(graph: FlowGraph, registry: NodeRegistry, key: Buffer, previous?: FlowGraph | null): FlowGraph {
  const details: ErrorDetail[] = [];
  const sealed = mapSecrets(graph, registry, (value, path, node, index) => {
    const before = previous?.nodes.find((n) => n.id === node.id && n.type === node.type);
    const stored = before ? valueAt(before.config, path) : undefined;
    if (value === MASK) {
      if (stored === undefined) {
        details.push({
          path: `/graph/nodes/${index}/config${path}`,
          message: `node "${node.id}": ${path} is a secret and arrived masked ("${MASK}") with no stored value to keep; enter the secret again`,
          nodeId: node.id,
        });
        return value;
      }
      return isSealed(stored) ? stored : { $sealed: seal(stored, key) };
    }
    if (stored !== undefined && isSealed(stored) && sameValue(stored, value, key)) return stored;
    return { $sealed: seal(value, key) } satisfies SealedValue;
  });
  if (details.length) throw badRequest(`Secrets must be entered again: ${details[0].message}${details.length > 1 ? '; …' : '.'}`, details, 'secret_required');
  return sealed;
}

/** The graph with its secrets in clear, for the engine only; never for an answer. */
export function revealGraph(graph: FlowGraph, registry: NodeRegistry, key: Buffer): FlowGraph {
  return mapSecrets(graph, registry, (value, path, node) => {
    try {
      return revealSecret(value, key);
    } catch (err) {
      throw new Error(`node "${node.id}": the secret at ${path} cannot be decrypted (${(err as Error).message}); enter it again`);
    }
  });
}

/** The graph with every secret still in clear sealed (rows stored before sealing existed); sealed ones are kept. */
export function sealClearSecrets(graph: FlowGraph, registry: NodeRegistry, key: Buffer): FlowGraph {
  return mapSecrets(graph, registry, (value) => (isSealed(value) ? value : ({ $sealed: seal(value, key) } satisfies SealedValue)));
}
