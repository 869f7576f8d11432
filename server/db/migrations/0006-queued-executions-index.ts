import type { QueryInterface } from 'sequelize';

const NAME = 'executions_queued_id';

/**
 * Queued executions in creation order (ids are UUIDv7), and only those: an inline process pulls the
 * oldest ones nobody holds in batches, and counts them for MAX_BACKLOG, without reading the finished ones.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addIndex('executions', ['id'], { name: NAME, where: { status: 'queued' } });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('executions', NAME);
}
