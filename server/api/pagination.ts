import { Op, type Model, type ModelStatic, type WhereOptions } from 'sequelize';
import { badRequest } from '../lib/errors.js';
import { isId } from '../db/columns.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageParams {
  limit: number;
  afterId: string | null;
}


/** Reads `limit` (1..200, default 50) and the opaque `cursor` from a query string. */
export function pageParams(query: Record<string, unknown>): PageParams {
  let limit = 50;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw badRequest('limit must be a whole number from 1 to 200.', [{ path: '/query/limit', message: 'must be 1..200' }]);
    }
  }
  let afterId: string | null = null;
  if (query.cursor !== undefined && query.cursor !== '') {
    afterId = typeof query.cursor === 'string' ? Buffer.from(query.cursor, 'base64url').toString('utf8') : '';
    if (!isId(afterId)) {
      throw badRequest('cursor is not one this API gave out; start again without it.', [{ path: '/query/cursor', message: 'is invalid' }]);
    }
  }
  return { limit, afterId };
}

/**
 * Newest first, keyed on the UUIDv7 primary key (ordered by creation time), so every page is one
 * index range scan whatever the collection's size.
 */
export async function paginate<M extends Model, T>(
  model: ModelStatic<M>,
  where: WhereOptions,
  params: PageParams,
  toJson: (row: M) => T,
): Promise<Page<T>> {
  const scoped = params.afterId ? { [Op.and]: [where, { id: { [Op.lt]: params.afterId } }] } : where;
  const rows = await model.findAll({ where: scoped, order: [['id', 'DESC']], limit: params.limit + 1 });
  const more = rows.length > params.limit;
  const page = more ? rows.slice(0, params.limit) : rows;
  const last = page.at(-1) as unknown as { id: string } | undefined;
  return {
    items: page.map(toJson),
    nextCursor: more && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null,
  };
}


/** The paging parameters, as the OpenAPI document describes them. */
export const pagingQuery = {
  limit: { type: 'integer', description: 'Items per page, 1 to 200 (default 50).' },
  cursor: { type: 'string', description: 'The nextCursor of the previous page.' },
};
