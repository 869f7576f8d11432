import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Execution retention per plan (server/billing/retention.ts): the retention last applied to an agency's
 * executions, and after a plan drop the longer retention that executions stored before the drop keep
 * (a drop deletes nothing already stored at once; those executions age out under the retention they
 * were stored with).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('billing_accounts', 'retentionMinutes', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn('billing_accounts', 'retentionFloorMinutes', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn('billing_accounts', 'retentionFloorBefore', { type: DataTypes.DATE, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('billing_accounts', 'retentionFloorBefore');
  await qi.removeColumn('billing_accounts', 'retentionFloorMinutes');
  await qi.removeColumn('billing_accounts', 'retentionMinutes');
}
