import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * A version records who saved it, so the editor's history says who and when. The address is kept
 * beside the user id (as the audit log does), so it still says who once the user is gone; versions
 * saved before this migration, and seeded ones, have neither.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('flow_versions', 'createdById', { type: DataTypes.UUID, allowNull: true });
  await qi.addColumn('flow_versions', 'createdByEmail', { type: DataTypes.STRING(320), allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('flow_versions', 'createdByEmail');
  await qi.removeColumn('flow_versions', 'createdById');
}
