import type { NodeRegistry } from '../../nodes/registry.js';
import type { FlowGraph } from '../../schemas/flow.js';
import type { Models } from '../db/models/index.js';
import { eachRow, pageAfter } from './each-row.js';
import { sealClearSecrets } from './node-secrets.js';

const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

/**
 * Seals node secrets that rows written before sealing existed still hold in clear (flow versions and
 * trigger rows). Idempotent and cheap when there is nothing to do; `start` runs it like the seeds.
 * Returns how many rows it rewrote.
 */
export async function sealStoredNodeSecrets(models: Models, registry: NodeRegistry, key: Buffer): Promise<number> {
  const versions = await eachRow(
    (after) => models.FlowVersion.findAll(pageAfter(after)),
    (row) => {
      const graph = sealClearSecrets(row.graph, registry, key);
      return changed(graph, row.graph) ? { graph } : null;
    },
    (row, update) => models.FlowVersion.update(update, { where: { id: row.id } }),
  );
  const triggers = await eachRow(
    (after) => models.Trigger.findAll(pageAfter(after)),
    (row) => {
      const node = { id: row.nodeId, type: row.type, config: row.config } as FlowGraph['nodes'][number];
      const config = sealClearSecrets({ nodes: [node], edges: [] }, registry, key).nodes[0].config;
      return changed(config, row.config) ? { config } : null;
    },
    (row, update) => models.Trigger.update(update, { where: { id: row.id } }),
  );
  return versions + triggers;
}
