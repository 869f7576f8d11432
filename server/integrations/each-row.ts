import { Op } from 'sequelize';

const BATCH = 200;

/** The `findAll` options for the batch of rows after the id `after` (the first batch when empty), in id order. */
export const pageAfter = (after: string) => ({ where: after ? { id: { [Op.gt]: after } } : {}, order: [['id', 'ASC']] as [string, string][], limit: BATCH });

/**
 * Walks a table in id order a batch at a time (`find` given `pageAfter`'s cursor); `fix` returns the update
 * for a row, or null, and `write` stores it. Returns how many rows were written.
 */
export async function eachRow<R extends { id: string }>(
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
      // One row per statement: a crash leaves every row either wholly old or wholly new.
      await write(row, update);
      written++;
    }
    if (rows.length < BATCH) return written;
    after = rows[rows.length - 1].id;
  }
}
