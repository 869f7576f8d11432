import { DataTypes, type QueryInterface } from 'sequelize';
import { idColumn, ref, timestamps } from '../columns.js';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('flows', {
    id: idColumn(),
    agencyId: ref('agencies'),
    subaccountId: ref('subaccounts'),
    name: { type: DataTypes.STRING(200), allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: true },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    errorFlowId: { type: DataTypes.UUID, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('flows', ['subaccountId', 'id']);
  await qi.createTable('flow_versions', {
    id: idColumn(),
    flowId: ref('flows'),
    version: { type: DataTypes.INTEGER, allowNull: false },
    graph: { type: DataTypes.JSON, allowNull: false },
    ...timestamps(),
  });
  await qi.addIndex('flow_versions', ['flowId', 'version'], { unique: true });
  // One row per trigger node of a flow; webhook tokens and schedule state live here and outlast versions.
  await qi.createTable('flow_triggers', {
    id: idColumn(),
    flowId: ref('flows'),
    subaccountId: ref('subaccounts'),
    nodeId: { type: DataTypes.STRING(100), allowNull: false },
    type: { type: DataTypes.STRING(60), allowNull: false },
    token: { type: DataTypes.STRING(64), allowNull: true, unique: true },
    config: { type: DataTypes.JSON, allowNull: false },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    nextRunAt: { type: DataTypes.DATE, allowNull: true },
    lastRunAt: { type: DataTypes.DATE, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('flow_triggers', ['flowId', 'nodeId'], { unique: true });
  await qi.addIndex('flow_triggers', ['type', 'active', 'nextRunAt']);
  await qi.createTable('executions', {
    id: idColumn(),
    flowId: ref('flows'),
    subaccountId: ref('subaccounts'),
    flowVersion: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    trigger: { type: DataTypes.JSON, allowNull: false },
    input: { type: DataTypes.JSON, allowNull: true },
    error: { type: DataTypes.JSON, allowNull: true },
    retryOf: { type: DataTypes.UUID, allowNull: true },
    parentExecutionId: { type: DataTypes.UUID, allowNull: true },
    leaseOwner: { type: DataTypes.STRING(100), allowNull: true },
    leaseExpiresAt: { type: DataTypes.DATE, allowNull: true },
    resumeAt: { type: DataTypes.DATE, allowNull: true },
    startedAt: { type: DataTypes.DATE, allowNull: true },
    finishedAt: { type: DataTypes.DATE, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('executions', ['subaccountId', 'id']);
  await qi.addIndex('executions', ['flowId', 'id']);
  await qi.addIndex('executions', ['status', 'leaseExpiresAt']);
  await qi.addIndex('executions', ['status', 'resumeAt']);
  await qi.createTable('execution_steps', {
    id: idColumn(),
    executionId: ref('executions'),
    nodeId: { type: DataTypes.STRING(100), allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    attempt: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    outputs: { type: DataTypes.JSON, allowNull: true },
    error: { type: DataTypes.JSON, allowNull: true },
    logs: { type: DataTypes.JSON, allowNull: true },
    wait: { type: DataTypes.JSON, allowNull: true },
    startedAt: { type: DataTypes.DATE, allowNull: true },
    finishedAt: { type: DataTypes.DATE, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('execution_steps', ['executionId', 'nodeId'], { unique: true });
  await qi.createTable('webhook_events', {
    id: idColumn(),
    triggerId: ref('flow_triggers'),
    flowId: ref('flows'),
    subaccountId: ref('subaccounts'),
    request: { type: DataTypes.JSON, allowNull: false },
    idempotencyKey: { type: DataTypes.STRING(300), allowNull: true },
    executionId: { type: DataTypes.UUID, allowNull: true },
    response: { type: DataTypes.JSON, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('webhook_events', ['triggerId', 'idempotencyKey'], { unique: true });
  await qi.addIndex('webhook_events', ['createdAt']);
  await qi.createTable('approvals', {
    id: idColumn(),
    subaccountId: ref('subaccounts'),
    flowId: ref('flows'),
    executionId: ref('executions'),
    nodeId: { type: DataTypes.STRING(100), allowNull: false },
    title: { type: DataTypes.STRING(500), allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: true },
    status: { type: DataTypes.STRING(20), allowNull: false },
    decidedBy: { type: DataTypes.UUID, allowNull: true },
    comment: { type: DataTypes.TEXT, allowNull: true },
    decidedAt: { type: DataTypes.DATE, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('approvals', ['subaccountId', 'status', 'id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['approvals', 'webhook_events', 'execution_steps', 'executions', 'flow_triggers', 'flow_versions', 'flows']) {
    await qi.dropTable(table);
  }
}
