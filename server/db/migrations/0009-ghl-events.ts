import { DataTypes, type QueryInterface } from 'sequelize';
import { idColumn, ref, timestamps } from '../columns.js';

/**
 * GoHighLevel: its events (stored before they are answered, one row per `webhookId`), the last snapshot
 * seen of each contact and opportunity (GoHighLevel sends whole objects, not changes), OAuth `state`s
 * (single use, short-lived) and the locks that serialise OAuth refreshes across processes.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('ghl_events', {
    id: idColumn(),
    webhookId: { type: DataTypes.STRING(200), allowNull: false, unique: true },
    type: { type: DataTypes.STRING(60), allowNull: false },
    locationId: { type: DataTypes.STRING(100), allowNull: true },
    companyId: { type: DataTypes.STRING(100), allowNull: true },
    payload: { type: DataTypes.JSON, allowNull: false },
    // Set once the event's snapshots are updated and its executions created (one transaction).
    processedAt: { type: DataTypes.DATE, allowNull: true },
    // A process working on it; another takes it over once this lapses (the first one died).
    claimedUntil: { type: DataTypes.DATE, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('ghl_events', ['processedAt', 'id']);
  await qi.createTable('ghl_snapshots', {
    id: idColumn(),
    locationId: { type: DataTypes.STRING(100), allowNull: false },
    kind: { type: DataTypes.STRING(20), allowNull: false },
    objectId: { type: DataTypes.STRING(100), allowNull: false },
    snapshot: { type: DataTypes.JSON, allowNull: false },
    // When GoHighLevel says the snapshot was taken: an older event arriving late does not replace it.
    eventAt: { type: DataTypes.DATE, allowNull: false },
    ...timestamps(),
  });
  await qi.addIndex('ghl_snapshots', ['locationId', 'kind', 'objectId'], { unique: true });
  await qi.createTable('oauth_states', {
    id: idColumn(),
    // SHA-256 of the state sent to the consent page: the database never holds a usable state.
    stateHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    provider: { type: DataTypes.STRING(40), allowNull: false },
    agencyId: ref('agencies'),
    subaccountId: ref('subaccounts'),
    userId: ref('users'),
    // What the person asked for at the start: the integration's name and, for an agency token, its location.
    name: { type: DataTypes.STRING(200), allowNull: true },
    locationId: { type: DataTypes.STRING(100), allowNull: true },
    expiresAt: { type: DataTypes.DATE, allowNull: false },
    ...timestamps(),
  });
  await qi.createTable('integration_locks', {
    integrationId: { ...ref('integrations'), primaryKey: true },
    owner: { type: DataTypes.STRING(100), allowNull: false },
    expiresAt: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('integration_locks');
  await qi.dropTable('oauth_states');
  await qi.dropTable('ghl_snapshots');
  await qi.dropTable('ghl_events');
}
