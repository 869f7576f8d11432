import { v7 as uuidv7 } from 'uuid';
import type { Models } from '../../server/db/models/index.js';

/**
 * Makes a finished execution look as if it had run at `at`: a UUIDv7 id carries its creation time (the
 * executions list bounds a time range by id too), so the row is stored again under an id of that moment,
 * with its steps, and the original removed. Resolves with the new id.
 */
export async function backdateExecution(models: Models, executionId: string, at: Date): Promise<string> {
  const { Execution, Step } = models;
  return Execution.sequelize!.transaction(async (transaction) => {
    const row = (await Execution.findByPk(executionId, { transaction }))!.get({ plain: true });
    const steps = await Step.findAll({ where: { executionId }, transaction });
    const id = uuidv7({ msecs: at.getTime() });
    await Execution.create({ ...row, id }, { transaction });
    await Execution.update({ createdAt: at, startedAt: at }, { where: { id }, transaction, silent: true });
    await Step.bulkCreate(steps.map((step) => ({ ...step.get({ plain: true }), id: uuidv7({ msecs: at.getTime() }), executionId: id })), { transaction });
    await Step.destroy({ where: { executionId }, transaction });
    await Execution.destroy({ where: { id: executionId }, transaction });
    return id;
  });
}
