import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Sticky notes are kept per version beside the graph (not inside it), so the graph the engine compiles
 * and validates stays the contract's; versions saved before this migration have none.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('flow_versions', 'notes', { type: DataTypes.JSON, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('flow_versions', 'notes');
}
