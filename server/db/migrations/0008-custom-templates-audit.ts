import { DataTypes, type QueryInterface } from 'sequelize';
import { idColumn, ref, timestamps } from '../columns.js';

/**
 * Custom integration templates (an agency's own services, CONTRACT §4) and the audit log of changes: who
 * changed what and when, and which fields, never their values.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('custom_templates', {
    id: idColumn(),
    agencyId: ref('agencies'),
    name: { type: DataTypes.STRING(60), allowNull: false },
    displayName: { type: DataTypes.STRING(200), allowNull: false },
    category: { type: DataTypes.STRING(60), allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: false },
    icon: { type: DataTypes.STRING(60), allowNull: false },
    configSchema: { type: DataTypes.JSON, allowNull: false },
    setupInstructions: { type: DataTypes.TEXT, allowNull: false },
    // How http.request authenticates with it (bearer, basic, header or query key, from which fields).
    auth: { type: DataTypes.JSON, allowNull: true },
    baseUrlField: { type: DataTypes.STRING(100), allowNull: true },
    testUrl: { type: DataTypes.TEXT, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('custom_templates', ['agencyId', 'name'], { unique: true });
  await qi.createTable('audit_entries', {
    id: idColumn(),
    agencyId: ref('agencies'),
    // No foreign keys to what the entry is about: the history outlives the user, sub-account or object.
    subaccountId: { type: DataTypes.UUID, allowNull: true },
    actorUserId: { type: DataTypes.UUID, allowNull: true },
    actorApiKeyId: { type: DataTypes.UUID, allowNull: true },
    actorEmail: { type: DataTypes.STRING(320), allowNull: true },
    action: { type: DataTypes.STRING(60), allowNull: false },
    targetType: { type: DataTypes.STRING(40), allowNull: false },
    targetId: { type: DataTypes.UUID, allowNull: true },
    targetName: { type: DataTypes.STRING(320), allowNull: true },
    // Names of the fields that changed; never values.
    fields: { type: DataTypes.JSON, allowNull: false },
    ...timestamps(),
  });
  await qi.addIndex('audit_entries', ['agencyId', 'id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('audit_entries');
  await qi.dropTable('custom_templates');
}
