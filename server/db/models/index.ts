import type { Sequelize } from 'sequelize';
import { defineAccountModels } from './accounts.js';
import { defineBillingModels } from './billing.js';
import { defineGhlModels } from './ghl.js';
import { defineRuntimeModels } from './runtime.js';
import { defineTemplateAuditModels } from './templates-audit.js';

/** Models are defined per Sequelize instance (not as global classes) so several apps can live in one process. */
export function defineModels(sequelize: Sequelize) {
  return { ...defineAccountModels(sequelize), ...defineRuntimeModels(sequelize), ...defineGhlModels(sequelize), ...defineTemplateAuditModels(sequelize), ...defineBillingModels(sequelize) };
}

export type Models = ReturnType<typeof defineModels>;
