import type { QueryInterface } from 'sequelize';

const NAME = 'executions_parent';

/** Children of a `flow.call` are listed with their parent; only they carry a parent, so the index holds only them. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`CREATE INDEX "${NAME}" ON "executions" ("parentExecutionId") WHERE "parentExecutionId" IS NOT NULL`);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('executions', NAME);
}
