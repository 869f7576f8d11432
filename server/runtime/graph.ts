import { outputsOf, type AnyNodeDefinition } from '../../nodes/contract.js';
import type { NodeRegistry } from '../../nodes/registry.js';
import type { FlowEdge, FlowGraph, FlowNode } from '../../schemas/flow.js';
import type { ErrorDetail } from '../lib/errors.js';
import { compile, toDetails, type JsonSchema } from '../lib/validation.js';
import { checkExpressions } from './expressions.js';

const EXPRESSION = { type: 'string', pattern: '\\{\\{[\\s\\S]*\\}\\}' };
const relaxed = new WeakMap<object, JsonSchema>();

/**
 * At save time a field may hold an expression whose value is only known at run time, so every typed
 * subschema also accepts a `{{ … }}` string. The strict schema is applied again after resolution.
 */
export function allowExpressions(schema: JsonSchema): JsonSchema {
  let out = relaxed.get(schema);
  if (out) return out;
  out = relax(schema) as JsonSchema;
  relaxed.set(schema, out);
  return out;
}

function relax(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relax);
  if (!node || typeof node !== 'object') return node;
  const source = node as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'properties' || key === '$defs' || key === 'patternProperties') {
      copy[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, relax(v)]));
    } else if (['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'prefixItems', 'not', 'if', 'then', 'else'].includes(key)) {
      copy[key] = relax(value);
    } else if (key === '$id' && typeof value === 'string') {
      // The relaxed copy is a schema resource of its own: ajv refuses two schemas with one $id.
      copy[key] = `${value.replace(/#$/, '')}-with-expressions`;
    } else copy[key] = value;
  }
  const typed = 'type' in source || 'enum' in source || 'const' in source || '$ref' in source;
  return typed ? { anyOf: [copy, EXPRESSION] } : copy;
}

export interface CompiledFlow {
  graph: FlowGraph;
  nodes: Map<string, FlowNode>;
  definitions: Map<string, AnyNodeDefinition>;
  /** Incoming edges per node id. */
  incoming: Map<string, FlowEdge[]>;
  outgoing: Map<string, FlowEdge[]>;
  /** Node ids, parents before children. */
  order: string[];
  triggers: string[];
  /** For each loop node, the nodes of its per-item branch (everything reachable from its loop port). */
  loopBodies: Map<string, Set<string>>;
  /** Which loop a node belongs to, if any. */
  loopOf: Map<string, string>;
}

const portOf = (edge: FlowEdge): string => edge.sourcePort ?? 'main';

/** Indexes a validated graph for the engine: adjacency, topological order, triggers. */
export function compileFlow(graph: FlowGraph, registry: NodeRegistry): CompiledFlow {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const definitions = new Map<string, AnyNodeDefinition>();
  for (const node of graph.nodes) {
    const definition = registry.get(node.type);
    if (definition) definitions.set(node.id, definition);
  }
  const incoming = new Map<string, FlowEdge[]>(graph.nodes.map((n) => [n.id, []]));
  const outgoing = new Map<string, FlowEdge[]>(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges ?? []) {
    outgoing.get(edge.source)?.push(edge);
    incoming.get(edge.target)?.push(edge);
  }
  const order = topologicalOrder(graph.nodes.map((n) => n.id), incoming, outgoing) ?? [];
  const triggers = graph.nodes.filter((n) => definitions.get(n.id)?.trigger).map((n) => n.id);
  const loopBodies = new Map<string, Set<string>>();
  const loopOf = new Map<string, string>();
  for (const [id, definition] of definitions) {
    if (!definition.loop) continue;
    const body = reachable((outgoing.get(id) ?? []).filter((e) => portOf(e) === definition.loop!.port).map((e) => e.target), outgoing);
    loopBodies.set(id, body);
    for (const member of body) if (!loopOf.has(member)) loopOf.set(member, id);
  }
  return { graph, nodes, definitions, incoming, outgoing, order, triggers, loopBodies, loopOf };
}

function reachable(start: string[], outgoing: Map<string, FlowEdge[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of outgoing.get(id) ?? []) stack.push(edge.target);
  }
  return seen;
}

/** A loop's branch must be self-contained: entered only through the loop port, with nothing that waits or loops again. */
function loopProblems(compiled: CompiledFlow, base: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const [loopId, body] of compiled.loopBodies) {
    const port = compiled.definitions.get(loopId)!.loop!.port;
    for (const member of body) {
      const definition = compiled.definitions.get(member);
      if (definition?.waits || definition?.loop) {
        details.push({ path: `${base}/nodes`, message: `node "${member}" (${definition.title}) cannot run inside the "${port}" branch of loop "${loopId}"`, nodeId: member });
      }
      for (const edge of compiled.incoming.get(member) ?? []) {
        const inside = body.has(edge.source) || (edge.source === loopId && portOf(edge) === port);
        if (!inside) details.push({ path: `${base}/edges`, message: `node "${member}" is inside loop "${loopId}"’s "${port}" branch and cannot also be reached from "${edge.source}"`, nodeId: member });
      }
    }
  }
  return details;
}

/** Kahn's algorithm; null when the graph has a cycle. */
function topologicalOrder(ids: string[], incoming: Map<string, FlowEdge[]>, outgoing: Map<string, FlowEdge[]>): string[] | null {
  const remaining = new Map(ids.map((id) => [id, new Set((incoming.get(id) ?? []).map((e) => e.source)).size]));
  const ready = ids.filter((id) => remaining.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const child of new Set((outgoing.get(id) ?? []).map((e) => e.target))) {
      const left = remaining.get(child)! - 1;
      remaining.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return order.length === ids.length ? order : null;
}

/**
 * One detail per edge that closes a cycle. A depth-first walk (triggers first, then document order) meets
 * an edge back to a node still on its path: the cycle is that stretch of the path plus the edge. Cutting
 * every edge named here makes the graph acyclic, and separate cycles each get their own detail. Iterative,
 * so no graph is deep enough to overflow the stack; only called once Kahn's algorithm found a cycle.
 */
function cycleProblems(graph: FlowGraph, triggers: string[], base: string): ErrorDetail[] {
  const edges = graph.edges ?? [];
  const out = new Map<string, number[]>(graph.nodes.map((n) => [n.id, []]));
  edges.forEach((edge, i) => out.get(edge.source)?.push(i));
  const state = new Map<string, 'open' | 'done'>();
  const details: ErrorDetail[] = [];
  for (const root of [...triggers, ...graph.nodes.map((n) => n.id)]) {
    if (state.has(root)) continue;
    // path[k] is reached from path[k - 1] through edge via[k - 1]; next[k] is path[k]'s next outgoing edge.
    const path = [root];
    const via: number[] = [];
    const next = [0];
    state.set(root, 'open');
    while (path.length) {
      const top = path.length - 1;
      const list = out.get(path[top])!;
      if (next[top] === list.length) {
        state.set(path.pop()!, 'done');
        next.pop();
        via.pop();
        continue;
      }
      const i = list[next[top]++];
      const target = edges[i].target;
      if (state.get(target) === 'open') {
        const from = path.lastIndexOf(target);
        const nodeIds = path.slice(from);
        const edge = edges[i];
        details.push({
          path: `${base}/edges/${i}`,
          message: `the graph has a cycle ${[...nodeIds, target].join(' → ')}; edge ${edge.source}${edge.sourcePort ? `.${edge.sourcePort}` : ''} → ${edge.target} closes it (flows must be acyclic)`,
          nodeIds,
          edges: [...via.slice(from), i],
          edge: i,
        });
      } else if (!state.has(target)) {
        state.set(target, 'open');
        path.push(target);
        via.push(i);
        next.push(0);
      }
    }
  }
  return details;
}

/** Every problem of a graph, one detail each, naming the node or edge (CONTRACT §5). */
export function validateGraph(graph: FlowGraph, registry: NodeRegistry, base = '/graph'): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    const at = `${base}/nodes/${i}`;
    if (seen.has(node.id)) details.push({ path: `${at}/id`, message: `node id "${node.id}" is used twice`, nodeId: node.id });
    seen.set(node.id, i);
    const definition = registry.get(node.type);
    if (!definition) {
      details.push({ path: `${at}/type`, message: `node "${node.id}" has unknown type "${node.type}"`, nodeId: node.id });
      return;
    }
    const config = node.config ?? {};
    const validate = compile(allowExpressions(definition.configSchema as JsonSchema));
    if (!validate(structuredClone(config))) {
      // The expression alternative added by allowExpressions is noise in messages: keep the real ones.
      const errors = validate.errors?.filter((e) => e.keyword !== 'anyOf' && !/\/anyOf\/1\/(type|pattern)$/.test(e.schemaPath));
      for (const d of toDetails(errors, `${at}/config`)) {
        details.push({ ...d, message: `node "${node.id}": ${d.path.slice(`${at}/config`.length) || 'config'} ${d.message}`, nodeId: node.id });
      }
    }
    // Raw fields are never read as templates (JavaScript is full of `{{`), so they are not checked as such.
    const raw = definition.rawFields ?? [];
    const templated = raw.length ? Object.fromEntries(Object.entries(config).filter(([key]) => !raw.includes(key))) : config;
    for (const problem of checkExpressions(templated, `${at}/config`)) details.push({ ...problem, message: `node "${node.id}": ${problem.message}`, nodeId: node.id });
  });
  (graph.edges ?? []).forEach((edge, i) => {
    const at = `${base}/edges/${i}`;
    const label = `edge ${edge.source}${edge.sourcePort ? `.${edge.sourcePort}` : ''} → ${edge.target}`;
    const source = graph.nodes.find((n) => n.id === edge.source);
    const target = graph.nodes.find((n) => n.id === edge.target);
    if (!source) details.push({ path: `${at}/source`, message: `${label}: source node "${edge.source}" does not exist`, edge: i });
    if (!target) details.push({ path: `${at}/target`, message: `${label}: target node "${edge.target}" does not exist`, edge: i });
    if (target && registry.get(target.type)?.trigger) {
      details.push({ path: `${at}/target`, message: `${label}: a trigger cannot have incoming edges`, edge: i });
    }
    const definition = source && registry.get(source.type);
    if (definition) {
      const ports = outputsOf(definition, source.config ?? {});
      if (!ports.includes(portOf(edge))) {
        details.push({ path: `${at}/sourcePort`, message: `${label}: node "${edge.source}" has no port "${portOf(edge)}" (ports: ${ports.join(', ')})`, edge: i });
      }
    }
  });
  if (!details.some((d) => d.path.includes('/edges/'))) {
    const compiled = compileFlow(graph, registry);
    if (compiled.order.length !== graph.nodes.length) details.push(...cycleProblems(graph, compiled.triggers, base));
    else details.push(...loopProblems(compiled, base));
  }
  if (!graph.nodes.some((n) => registry.get(n.type)?.trigger)) {
    details.push({ path: `${base}/nodes`, message: 'the flow has no trigger node; add one (manual, webhook, schedule…)' });
  }
  return details;
}
