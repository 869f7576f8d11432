import {
  DataTypes,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type Sequelize,
} from 'sequelize';
import { idColumn } from '../columns.js';
import type { HttpAuthSpec } from '../../../schemas/integrations/http-auth.js';
import type { IntegrationTemplate } from '../../../schemas/integrations/template.js';

type Row<T extends Model> = Model<InferAttributes<T>, InferCreationAttributes<T>>;
type Stamps = { createdAt: CreationOptional<Date>; updatedAt: CreationOptional<Date> };

export interface CustomTemplateRow extends Row<CustomTemplateRow>, Stamps {
  id: CreationOptional<string>;
  agencyId: string;
  name: string;
  displayName: string;
  category: string;
  description: string;
  icon: string;
  configSchema: IntegrationTemplate['configSchema'];
  setupInstructions: string;
  auth: HttpAuthSpec | null;
  baseUrlField: string | null;
  testUrl: string | null;
}

export interface AuditEntryRow extends Row<AuditEntryRow>, Stamps {
  id: CreationOptional<string>;
  agencyId: string;
  subaccountId: string | null;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  fields: string[];
}

const stamps = { createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE };
const { UUID, STRING, TEXT, JSON: JSONB } = DataTypes;

export function defineTemplateAuditModels(sequelize: Sequelize) {
  const CustomTemplate = sequelize.define<CustomTemplateRow>(
    'CustomTemplate',
    {
      id: idColumn(), agencyId: UUID, name: STRING, displayName: STRING, category: STRING, description: TEXT, icon: STRING,
      configSchema: JSONB, setupInstructions: TEXT, auth: JSONB, baseUrlField: STRING, testUrl: TEXT, ...stamps,
    },
    { tableName: 'custom_templates' },
  );
  const AuditEntry = sequelize.define<AuditEntryRow>(
    'AuditEntry',
    {
      id: idColumn(), agencyId: UUID, subaccountId: UUID, actorUserId: UUID, actorApiKeyId: UUID, actorEmail: STRING, action: STRING,
      targetType: STRING, targetId: UUID, targetName: STRING, fields: JSONB, ...stamps,
    },
    { tableName: 'audit_entries' },
  );
  return { CustomTemplate, AuditEntry };
}
