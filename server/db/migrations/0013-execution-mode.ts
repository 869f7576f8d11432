import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Test runs (CONTRACT §5): an execution records whether it is a test (`mode`, 'production' for every
 * execution stored before, and for webhooks, schedules and events) and, for a test, the pinned outputs
 * it ran with, so a test resumed after a crash still skips the same nodes. A flow keeps its pins beside
 * its versions, not in them: pins are test data, and changing them must not make a new production version.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('executions', 'mode', { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'production' });
  await qi.addColumn('executions', 'pinData', { type: DataTypes.JSON, allowNull: true });
  await qi.addColumn('flows', 'pinData', { type: DataTypes.JSON, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('flows', 'pinData');
  await qi.removeColumn('executions', 'pinData');
  await qi.removeColumn('executions', 'mode');
}
