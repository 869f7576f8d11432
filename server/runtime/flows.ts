import { randomBytes } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { nextRuns } from '../../nodes/triggers/schedule/handler.js';
import type { NodeRegistry } from '../../nodes/registry.js';
import type { FlowGraph } from '../../schemas/flow.js';
import type { Models } from '../db/models/index.js';
import type { FlowRow, TriggerRow } from '../db/models/runtime.js';
import { badRequest } from '../lib/errors.js';
import { validateGraph } from './graph.js';

/** Applies defaults (sourcePort main, config {}) so stored graphs are explicit. */
export function normaliseGraph(graph: FlowGraph): FlowGraph {
  return {
    nodes: graph.nodes.map((n) => ({ ...n, config: n.config ?? {} })),
    edges: (graph.edges ?? []).map((e) => ({ ...e, sourcePort: e.sourcePort ?? 'main' })),
  };
}

export function assertValidGraph(graph: FlowGraph, registry: NodeRegistry): void {
  const details = validateGraph(graph, registry);
  if (details.length) {
    throw badRequest(`The flow graph has ${details.length} problem${details.length > 1 ? 's' : ''}: ${details[0].message}${details.length > 1 ? '; …' : '.'}`, details, 'invalid_graph');
  }
}

const newToken = (): string => randomBytes(24).toString('base64url');

/** The next due time of a schedule trigger, or null for other trigger types. */
export function nextRunFor(type: string, config: Record<string, unknown>, after = new Date()): Date | null {
  if (type !== 'trigger.schedule' || typeof config.cron !== 'string') return null;
  try {
    return nextRuns(config.cron, typeof config.timezone === 'string' ? config.timezone : 'UTC', after, 1)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * Keeps one trigger row per trigger node: webhook tokens outlive versions (a URL handed to a partner
 * must keep working after an edit), schedules keep their state, removed nodes lose their rows.
 */
export async function syncTriggers(models: Models, flow: FlowRow, graph: FlowGraph, registry: NodeRegistry, transaction: Transaction): Promise<TriggerRow[]> {
  const existing = await models.Trigger.findAll({ where: { flowId: flow.id }, transaction });
  const triggerNodes = graph.nodes.filter((n) => registry.get(n.type)?.trigger);
  const keep = new Set(triggerNodes.map((n) => n.id));
  for (const row of existing) if (!keep.has(row.nodeId)) await row.destroy({ transaction });
  const rows: TriggerRow[] = [];
  for (const node of triggerNodes) {
    const config = (node.config ?? {}) as Record<string, unknown>;
    const row = existing.find((r) => r.nodeId === node.id && r.type === node.type);
    const nextRunAt = flow.active ? nextRunFor(node.type, config) : null;
    if (row) {
      const scheduleChanged = JSON.stringify(row.config) !== JSON.stringify(config);
      rows.push(await row.update({ config, active: flow.active, ...(scheduleChanged || !flow.active || !row.nextRunAt ? { nextRunAt } : {}) }, { transaction }));
    } else {
      const stale = existing.find((r) => r.nodeId === node.id);
      if (stale) await stale.destroy({ transaction });
      rows.push(
        await models.Trigger.create(
          {
            flowId: flow.id,
            subaccountId: flow.subaccountId,
            nodeId: node.id,
            type: node.type,
            token: node.type === 'trigger.webhook' ? newToken() : null,
            config,
            active: flow.active,
            nextRunAt,
          },
          { transaction },
        ),
      );
    }
  }
  return rows;
}
