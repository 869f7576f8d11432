import type { Sequelize } from 'sequelize';
import { defineAccountModels } from './accounts.js';

/** Models are defined per Sequelize instance (not as global classes) so several apps can live in one process. */
export function defineModels(sequelize: Sequelize) {
  return { ...defineAccountModels(sequelize) };
}

export type Models = ReturnType<typeof defineModels>;
