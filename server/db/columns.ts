import { randomFillSync } from 'node:crypto';
import { DataTypes, type ModelAttributeColumnOptions } from 'sequelize';
import { v7 as uuidv7 } from 'uuid';

// Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of one per id (the engine
// makes several ids per execution).
const pool = Buffer.alloc(4096);
let drawn = pool.length;
const clock = { msecs: -Infinity, seq: 0 };

/**
 * Every table uses a UUIDv7 primary key: unguessable enough for URLs, and ordered by creation time, so
 * cursor pagination is a plain `id < cursor` on the primary key index for every collection. Ids made in
 * the same millisecond count up from a random start, as the uuid package does itself.
 */
export function newId(): string {
  if (drawn + 16 > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  const random = pool.subarray(drawn, (drawn += 16));
  const now = Date.now();
  if (now > clock.msecs) {
    clock.msecs = now;
    clock.seq = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9];
  } else {
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs++;
  }
  return uuidv7({ random, msecs: clock.msecs, seq: clock.seq });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whether a caller-supplied string can be an id at all (anything else must not reach the database). */
export const isId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

export const idColumn = (): ModelAttributeColumnOptions => ({
  type: DataTypes.UUID,
  primaryKey: true,
  allowNull: false,
  defaultValue: newId,
});

export const ref = (table: string, onDelete: 'CASCADE' | 'SET NULL' = 'CASCADE', allowNull = false): ModelAttributeColumnOptions => ({
  type: DataTypes.UUID,
  allowNull,
  references: { model: table, key: 'id' },
  onDelete,
});

export const timestamps = (): Record<'createdAt' | 'updatedAt', ModelAttributeColumnOptions> => ({
  createdAt: { type: DataTypes.DATE, allowNull: false },
  updatedAt: { type: DataTypes.DATE, allowNull: false },
});
