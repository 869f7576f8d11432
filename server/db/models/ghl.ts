import { DataTypes, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Model, type Sequelize } from 'sequelize';
import { idColumn } from '../columns.js';

type Row<T extends Model> = Model<InferAttributes<T>, InferCreationAttributes<T>>;
type Stamps = { createdAt: CreationOptional<Date>; updatedAt: CreationOptional<Date> };

/** A GoHighLevel event as it arrived (migration 0009); processed after it was answered. */
export interface GhlEventRow extends Row<GhlEventRow>, Stamps {
  id: CreationOptional<string>;
  webhookId: string;
  type: string;
  locationId: string | null;
  companyId: string | null;
  payload: Record<string, unknown>;
  processedAt: CreationOptional<Date | null>;
  claimedUntil: CreationOptional<Date | null>;
}

export type SnapshotKind = 'contact' | 'opportunity';

/** The last snapshot of a contact or opportunity seen in a location's events. */
export interface GhlSnapshotRow extends Row<GhlSnapshotRow>, Stamps {
  id: CreationOptional<string>;
  locationId: string;
  kind: SnapshotKind;
  objectId: string;
  snapshot: Record<string, unknown>;
  eventAt: Date;
}

/** An OAuth `state` handed to a consent page: whose it is, and until when. */
export interface OAuthStateRow extends Row<OAuthStateRow>, Stamps {
  id: CreationOptional<string>;
  stateHash: string;
  provider: string;
  agencyId: string;
  subaccountId: string;
  userId: string;
  name: string | null;
  locationId: string | null;
  expiresAt: Date;
}

const stamps = { createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE };
const { STRING, JSON: JSONB, DATE, UUID } = DataTypes;

export function defineGhlModels(sequelize: Sequelize) {
  const GhlEvent = sequelize.define<GhlEventRow>(
    'GhlEvent',
    { id: idColumn(), webhookId: STRING, type: STRING, locationId: STRING, companyId: STRING, payload: JSONB, processedAt: DATE, claimedUntil: DATE, ...stamps },
    { tableName: 'ghl_events' },
  );
  const GhlSnapshot = sequelize.define<GhlSnapshotRow>(
    'GhlSnapshot',
    { id: idColumn(), locationId: STRING, kind: STRING, objectId: STRING, snapshot: JSONB, eventAt: DATE, ...stamps },
    { tableName: 'ghl_snapshots' },
  );
  const OAuthState = sequelize.define<OAuthStateRow>(
    'OAuthState',
    { id: idColumn(), stateHash: STRING, provider: STRING, agencyId: UUID, subaccountId: UUID, userId: UUID, name: STRING, locationId: STRING, expiresAt: DATE, ...stamps },
    { tableName: 'oauth_states' },
  );
  return { GhlEvent, GhlSnapshot, OAuthState };
}
