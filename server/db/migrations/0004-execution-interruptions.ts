import { DataTypes, type QueryInterface } from 'sequelize';

/** How many times the process running an execution died under it; past a bound it is failed, not resumed. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('executions', 'interruptions', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('executions', 'interruptions');
}
