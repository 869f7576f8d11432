import { Op, type Model, type ModelStatic, type WhereOptions } from 'sequelize';

/** Rows per statement: the first batch's size, and the bounds the batches adapt within. */
const FIRST_BATCH = 250;
const MIN_BATCH = 50;
const MAX_BATCH = 2000;
/** How long one batch may hold the database: what a webhook arriving meanwhile waits at most for it. */
const BATCH_TARGET_MS = 20;
const MIN_PAUSE_MS = 10;

/**
 * Deletes the rows `where` matches, a batch at a time. SQLite has one writer, so a long
 * delete holds webhook intake: each batch is sized to take about 20 ms, and the pause after it is at least
 * as long as it took, so intake keeps at least half of the database however slow deletes get (a loaded
 * machine made fixed batches with 10 ms pauses take most of it). `before` runs first on each batch's ids
 * (rows elsewhere that must go with them).
 */
export async function deleteInBatches<M extends Model>(
  model: ModelStatic<M>,
  where: WhereOptions,
  before?: (ids: string[]) => Promise<unknown>,
): Promise<number> {
  let removed = 0;
  let size = FIRST_BATCH;
  for (;;) {
    const began = performance.now();
    const rows = (await model.findAll({ attributes: ['id'], where, limit: size, raw: true })) as unknown as { id: string }[];
    if (!rows.length) return removed;
    const ids = rows.map((row) => row.id);
    await before?.(ids);
    removed += await model.destroy({ where: { id: { [Op.in]: ids } } as WhereOptions });
    if (rows.length < size) return removed;
    const took = performance.now() - began;
    size = Math.round(Math.min(MAX_BATCH, Math.max(MIN_BATCH, (size * BATCH_TARGET_MS) / Math.max(took, 1))));
    await new Promise((resolve) => setTimeout(resolve, Math.max(MIN_PAUSE_MS, took)));
  }
}
