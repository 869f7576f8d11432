import { DataTypes, type QueryInterface } from 'sequelize';
import { idColumn, ref, timestamps } from '../columns.js';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('agencies', {
    id: idColumn(),
    name: { type: DataTypes.STRING(200), allowNull: false },
    plan: { type: DataTypes.STRING(40), allowNull: false, defaultValue: 'starter' },
    ...timestamps(),
  });
  await qi.createTable('users', {
    id: idColumn(),
    agencyId: ref('agencies'),
    email: { type: DataTypes.STRING(320), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: true },
    passwordHash: { type: DataTypes.STRING(200), allowNull: false },
    role: { type: DataTypes.STRING(20), allowNull: false },
    ...timestamps(),
  });
  await qi.addIndex('users', ['agencyId', 'id']);
  await qi.createTable('subaccounts', {
    id: idColumn(),
    agencyId: ref('agencies'),
    name: { type: DataTypes.STRING(200), allowNull: false },
    timezone: { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'UTC' },
    ...timestamps(),
  });
  await qi.addIndex('subaccounts', ['agencyId', 'id']);
  await qi.createTable('subaccount_members', {
    id: idColumn(),
    subaccountId: ref('subaccounts'),
    userId: ref('users'),
    ...timestamps(),
  });
  await qi.addIndex('subaccount_members', ['userId', 'subaccountId'], { unique: true });
  await qi.createTable('sessions', {
    id: idColumn(),
    userId: ref('users'),
    tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    expiresAt: { type: DataTypes.DATE, allowNull: false },
    revokedAt: { type: DataTypes.DATE, allowNull: true },
    ...timestamps(),
  });
  await qi.createTable('api_keys', {
    id: idColumn(),
    agencyId: ref('agencies'),
    subaccountId: ref('subaccounts'),
    createdById: ref('users', 'SET NULL', true),
    name: { type: DataTypes.STRING(200), allowNull: false },
    prefix: { type: DataTypes.STRING(20), allowNull: false },
    keyHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    lastUsedAt: { type: DataTypes.DATE, allowNull: true },
    revokedAt: { type: DataTypes.DATE, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('api_keys', ['subaccountId', 'id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['api_keys', 'sessions', 'subaccount_members', 'subaccounts', 'users', 'agencies']) {
    await qi.dropTable(table);
  }
}
