import { DataTypes, type QueryInterface } from 'sequelize';
import { ref, timestamps } from '../columns.js';

/**
 * Plans and billing (server/billing/): each agency's plan and Stripe subscription state, the Stripe
 * events applied (each id once), executions started per agency and UTC day, and an index of the
 * executions held back by a plan's monthly limit (waiting, marked by their lease owner) so the job that
 * releases them never scans other waiting executions.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('billing_accounts', {
    agencyId: { ...ref('agencies'), primaryKey: true },
    plan: { type: DataTypes.STRING(40), allowNull: false },
    interval: { type: DataTypes.STRING(10), allowNull: true },
    // trialing, active, past_due, canceled, unpaid, incomplete… as Stripe says; `none` without a subscription.
    status: { type: DataTypes.STRING(30), allowNull: false },
    stripeCustomerId: { type: DataTypes.STRING(100), allowNull: true, unique: true },
    stripeSubscriptionId: { type: DataTypes.STRING(100), allowNull: true },
    periodStart: { type: DataTypes.DATE, allowNull: true },
    periodEnd: { type: DataTypes.DATE, allowNull: true },
    trialEndsAt: { type: DataTypes.DATE, allowNull: true },
    // When payments started failing: the grace period runs from here.
    pastDueSince: { type: DataTypes.DATE, allowNull: true },
    // Stripe's time (epoch seconds) of the event that set the subscription state: an older event arriving later changes nothing.
    stateAt: { type: DataTypes.BIGINT, allowNull: true },
    adminsManageBilling: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    ...timestamps(),
  });
  await qi.createTable('stripe_events', {
    id: { type: DataTypes.STRING(255), primaryKey: true, allowNull: false },
    type: { type: DataTypes.STRING(100), allowNull: false },
    agencyId: ref('agencies', 'SET NULL', true),
    createdAt: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.createTable('usage_days', {
    agencyId: ref('agencies'),
    day: { type: DataTypes.STRING(10), allowNull: false },
    executions: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  });
  await qi.addIndex('usage_days', ['agencyId', 'day'], { unique: true, name: 'usage_days_agency_day' });
  await qi.sequelize.query(`CREATE INDEX "executions_held" ON "executions" ("subaccountId", "id") WHERE "status" = 'waiting' AND "leaseOwner" = 'plan-limit'`);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('executions', 'executions_held');
  await qi.dropTable('usage_days');
  await qi.dropTable('stripe_events');
  await qi.dropTable('billing_accounts');
}
