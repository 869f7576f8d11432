import {
  DataTypes,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type Sequelize,
} from 'sequelize';
import { idColumn } from '../columns.js';

export const ROLES = ['owner', 'admin', 'builder', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

type Row<T extends Model> = Model<InferAttributes<T>, InferCreationAttributes<T>>;

export interface AgencyRow extends Row<AgencyRow> {
  id: CreationOptional<string>;
  name: string;
  plan: CreationOptional<string>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface UserRow extends Row<UserRow> {
  id: CreationOptional<string>;
  agencyId: string;
  email: string;
  name: string | null;
  passwordHash: string;
  role: Role;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface SubaccountRow extends Row<SubaccountRow> {
  id: CreationOptional<string>;
  agencyId: string;
  name: string;
  timezone: CreationOptional<string>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface MemberRow extends Row<MemberRow> {
  id: CreationOptional<string>;
  subaccountId: string;
  userId: string;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface SessionRow extends Row<SessionRow> {
  id: CreationOptional<string>;
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  revokedAt: CreationOptional<Date | null>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface ApiKeyRow extends Row<ApiKeyRow> {
  id: CreationOptional<string>;
  agencyId: string;
  subaccountId: string;
  createdById: string | null;
  name: string;
  prefix: string;
  keyHash: string;
  /** After this the key no longer works; null: until revoked. */
  expiresAt: CreationOptional<Date | null>;
  lastUsedAt: CreationOptional<Date | null>;
  revokedAt: CreationOptional<Date | null>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

const stamps = { createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE };

export function defineAccountModels(sequelize: Sequelize) {
  const Agency = sequelize.define<AgencyRow>(
    'Agency',
    { id: idColumn(), name: DataTypes.STRING, plan: DataTypes.STRING, ...stamps },
    { tableName: 'agencies' },
  );
  const User = sequelize.define<UserRow>(
    'User',
    {
      id: idColumn(),
      agencyId: DataTypes.UUID,
      email: DataTypes.STRING,
      name: DataTypes.STRING,
      passwordHash: DataTypes.STRING,
      role: DataTypes.STRING,
      ...stamps,
    },
    { tableName: 'users' },
  );
  const Subaccount = sequelize.define<SubaccountRow>(
    'Subaccount',
    { id: idColumn(), agencyId: DataTypes.UUID, name: DataTypes.STRING, timezone: DataTypes.STRING, ...stamps },
    { tableName: 'subaccounts' },
  );
  const Member = sequelize.define<MemberRow>(
    'SubaccountMember',
    { id: idColumn(), subaccountId: DataTypes.UUID, userId: DataTypes.UUID, ...stamps },
    { tableName: 'subaccount_members' },
  );
  const Session = sequelize.define<SessionRow>(
    'Session',
    {
      id: idColumn(),
      userId: DataTypes.UUID,
      tokenHash: DataTypes.STRING,
      expiresAt: DataTypes.DATE,
      revokedAt: DataTypes.DATE,
      ...stamps,
    },
    { tableName: 'sessions' },
  );
  const ApiKey = sequelize.define<ApiKeyRow>(
    'ApiKey',
    {
      id: idColumn(),
      agencyId: DataTypes.UUID,
      subaccountId: DataTypes.UUID,
      createdById: DataTypes.UUID,
      name: DataTypes.STRING,
      prefix: DataTypes.STRING,
      keyHash: DataTypes.STRING,
      expiresAt: DataTypes.DATE,
      lastUsedAt: DataTypes.DATE,
      revokedAt: DataTypes.DATE,
      ...stamps,
    },
    { tableName: 'api_keys' },
  );
  return { Agency, User, Subaccount, Member, Session, ApiKey };
}
