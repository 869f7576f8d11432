import { DataTypes, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Model, type Sequelize } from 'sequelize';

type Row<T extends Model> = Model<InferAttributes<T>, InferCreationAttributes<T>>;

/** An agency's plan and Stripe subscription state (migration 0011). */
export interface BillingAccountRow extends Row<BillingAccountRow> {
  agencyId: string;
  plan: string;
  interval: string | null;
  status: string;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  trialEndsAt: Date | null;
  pastDueSince: Date | null;
  /** Stripe's epoch seconds of the event that set the subscription state (BIGINT: PostgreSQL answers a string). */
  stateAt: number | string | null;
  adminsManageBilling: CreationOptional<boolean>;
  /** The retention last applied to the agency's executions, minutes (migration 0014; null until the first pass). */
  retentionMinutes: CreationOptional<number | null>;
  /** After a plan drop: executions created before `retentionFloorBefore` are kept at least this long, minutes. */
  retentionFloorMinutes: CreationOptional<number | null>;
  retentionFloorBefore: CreationOptional<Date | null>;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

/** A Stripe event applied once (by its id). */
export interface StripeEventRow extends Row<StripeEventRow> {
  id: string;
  type: string;
  agencyId: string | null;
  createdAt: CreationOptional<Date>;
}

/** Executions started by an agency on one UTC day (`YYYY-MM-DD`). */
export interface UsageDayRow extends Row<UsageDayRow> {
  agencyId: string;
  day: string;
  executions: number;
}

const { STRING, UUID, DATE, BOOLEAN, BIGINT, INTEGER } = DataTypes;

export function defineBillingModels(sequelize: Sequelize) {
  const BillingAccount = sequelize.define<BillingAccountRow>(
    'BillingAccount',
    {
      agencyId: { type: UUID, primaryKey: true },
      plan: STRING, interval: STRING, status: STRING, stripeCustomerId: STRING, stripeSubscriptionId: STRING,
      periodStart: DATE, periodEnd: DATE, trialEndsAt: DATE, pastDueSince: DATE, stateAt: BIGINT, adminsManageBilling: BOOLEAN,
      retentionMinutes: INTEGER, retentionFloorMinutes: INTEGER, retentionFloorBefore: DATE,
      createdAt: DATE, updatedAt: DATE,
    },
    { tableName: 'billing_accounts' },
  );
  const StripeEvent = sequelize.define<StripeEventRow>(
    'StripeEvent',
    { id: { type: STRING, primaryKey: true }, type: STRING, agencyId: UUID, createdAt: DATE },
    { tableName: 'stripe_events', updatedAt: false },
  );
  const UsageDay = sequelize.define<UsageDayRow>(
    'UsageDay',
    { agencyId: { type: UUID, primaryKey: true }, day: { type: STRING, primaryKey: true }, executions: INTEGER },
    { tableName: 'usage_days', timestamps: false },
  );
  return { BillingAccount, StripeEvent, UsageDay };
}
