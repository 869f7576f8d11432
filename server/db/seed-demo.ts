import { nodeRegistry } from '../../nodes/registry.js';
import { leadProcessingGraph } from '../../seeds/lead-processing.js';
import { assertValidGraph, normaliseGraph, syncTriggers } from '../runtime/flows.js';
import type { Models } from './models/index.js';

/**
 * Fixed ids: the demo is created once per installation and found again on every later start. It lives in
 * an agency of its own, so no customer's sub-account count, plan or lists change.
 */
export const DEMO = {
  agencyId: '00000000-0000-4000-8000-00000000de01',
  subaccountId: '00000000-0000-4000-8000-00000000de02',
  integrationId: '00000000-0000-4000-8000-00000000de03',
  leadFlowId: '00000000-0000-4000-8000-00000000de04',
} as const;

/**
 * The demo sub-account with the lead-processing example flow (inactive) and a placeholder GoHighLevel
 * integration (pending: no token yet). Returns what it added; nothing on a later start.
 */
export async function seedDemo(models: Models): Promise<string[]> {
  if (await models.Flow.findByPk(DEMO.leadFlowId)) return [];
  const registry = await nodeRegistry();
  const graph = normaliseGraph(leadProcessingGraph(DEMO.integrationId));
  assertValidGraph(graph, registry);
  await models.Flow.sequelize!.transaction(async (transaction) => {
    if (!(await models.Agency.findByPk(DEMO.agencyId, { transaction }))) await models.Agency.create({ id: DEMO.agencyId, name: 'Switchboard demo' }, { transaction });
    if (!(await models.Subaccount.findByPk(DEMO.subaccountId, { transaction }))) {
      await models.Subaccount.create({ id: DEMO.subaccountId, agencyId: DEMO.agencyId, name: 'Demo sub-account', timezone: 'UTC' }, { transaction });
    }
    if (!(await models.Integration.findByPk(DEMO.integrationId, { transaction }))) {
      await models.Integration.create(
        { id: DEMO.integrationId, agencyId: DEMO.agencyId, subaccountId: DEMO.subaccountId, template: 'gohighlevel', name: 'GoHighLevel (connect me)', status: 'pending', config: { authType: 'token', locationId: 'your-location-id' }, secrets: null },
        { transaction },
      );
    }
    const flow = await models.Flow.create(
      {
        id: DEMO.leadFlowId,
        agencyId: DEMO.agencyId,
        subaccountId: DEMO.subaccountId,
        name: 'Lead processing (example)',
        description: 'Webhook → validate → find by email → score → create or update the contact and tag it → an opportunity when the score is 80 or more. Connect the GoHighLevel integration, then activate.',
        version: 1,
        active: false,
        errorFlowId: null,
      },
      { transaction },
    );
    await models.FlowVersion.create({ flowId: flow.id, version: 1, graph }, { transaction });
    await syncTriggers(models, flow, graph, registry, transaction);
  });
  return ['demo sub-account with the lead-processing flow'];
}
