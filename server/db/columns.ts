import { DataTypes, type ModelAttributeColumnOptions } from 'sequelize';
import { v7 as uuidv7 } from 'uuid';

/**
 * Every table uses a UUIDv7 primary key: unguessable enough for URLs, and ordered by creation time, so
 * cursor pagination is a plain `id < cursor` on the primary key index for every collection.
 */
export const newId = (): string => uuidv7();

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
