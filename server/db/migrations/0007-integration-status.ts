import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';

/**
 * Integrations get the status lifecycle of CONTRACT §4: `pending` (saved, not yet tested) → `active` |
 * `error` | `disconnected`, with the last error a person can act on and when it was tested and used.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('integrations', 'lastError', { type: DataTypes.TEXT, allowNull: true });
  await qi.addColumn('integrations', 'lastTestedAt', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('integrations', 'lastUsedAt', { type: DataTypes.DATE, allowNull: true });
  await qi.sequelize.query(`UPDATE "integrations" SET "status" = 'pending' WHERE "status" = 'untested'`, { type: QueryTypes.UPDATE });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`UPDATE "integrations" SET "status" = 'untested' WHERE "status" = 'pending'`, { type: QueryTypes.UPDATE });
  await qi.removeColumn('integrations', 'lastUsedAt');
  await qi.removeColumn('integrations', 'lastTestedAt');
  await qi.removeColumn('integrations', 'lastError');
}
