import { DataTypes, type QueryInterface } from 'sequelize';
import { idColumn, ref, timestamps } from '../columns.js';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('integrations', {
    id: idColumn(),
    agencyId: ref('agencies'),
    subaccountId: ref('subaccounts'),
    template: { type: DataTypes.STRING(60), allowNull: false },
    name: { type: DataTypes.STRING(200), allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    // Non-secret fields in clear; secret fields sealed with AES-256-GCM (server/integrations/crypto.ts).
    config: { type: DataTypes.JSON, allowNull: false },
    secrets: { type: DataTypes.JSON, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('integrations', ['subaccountId', 'id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('integrations');
}
