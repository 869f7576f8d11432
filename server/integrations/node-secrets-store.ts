import { Op } from 'sequelize';
import type { NodeRegistry } from '../../nodes/registry.js';
import type { FlowGraph } from '../../schemas/flow.js';
import type { Models } from '../db/models/index.js';
import { sealClearSecrets } from './node-secrets.js';

const BATCH = 200;

/** Walks a table in id order, a batch at a time, writing back the rows `fix` changes. */
async function eachRow<R extends { id: string }>(
  find: (after: string) => Promise<R[]>,
  fix: (row: R) => Record<string, unknown> | null,
  write: (row: R, update: Record<string, unknown>) => Promise<unknown>,
): Promise<number> {
  let after = '';
  let written = 0;
  for (;;) {
    const rows = await find(after);
    for (const row of rows) {
      const update = fix(row);
      if (!update) continue;
      await write(row, update);
      written++;
    }
    if (rows.length < BATCH) return written;
    after = rows[rows.length - 1].id;
  }
}

const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

/**
 * Seals node secrets that rows written before sealing existed still hold in clear (flow versions and
 * trigger rows). Idempotent and cheap when there is nothing to do; `start` runs it like the seeds.
 * Returns how many rows it rewrote.
 */
export async function sealStoredNodeSecrets(models: Models, registry: NodeRegistry, key: Buffer): Promise<number> {
  const page = (after: string) => ({ where: after ? { id: { [Op.gt]: after } } : {}, order: [['id', 'ASC']] as [string, string][], limit: BATCH });
  const versions = await eachRow(
    (after) => models.FlowVersion.findAll(page(after)),
    (row) => {
      const graph = sealClearSecrets(row.graph, registry, key);
      return changed(graph, row.graph) ? { graph } : null;
    },
    (row, update) => models.FlowVersion.update(update, { where: { id: row.id } }),
  );
  const triggers = await eachRow(
    (after) => models.Trigger.findAll(page(after)),
    (row) => {
      const node = { id: row.nodeId, type: row.type, config: row.config } as FlowGraph['nodes'][number];
      const config = sealClearSecrets({ nodes: [node], edges: [] }, registry, key).nodes[0].config;
      return changed(config, row.config) ? { config } : null;
    },
    (row, update) => models.Trigger.update(update, { where: { id: row.id } }),
  );
  return versions + triggers;
}
