import { DataTypes, type ModelAttributeColumnOptions } from 'sequelize';
import { v7 as uuidv7 } from 'uuid';

/**
 * Every table uses a UUIDv7 primary key: unguessable enough for URLs, and ordered by creation time, so
 * cursor pagination is a plain `id < cursor` on the primary key index for every collection.
 */
export const newId = (): string => uuidv7();

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
