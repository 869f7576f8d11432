import type { Transaction } from 'sequelize';
import { nodeRegistry } from '../../nodes/registry.js';
import type { FlowGraph } from '../../schemas/flow.js';
import { EXAMPLE_FLOWS, PLACEHOLDER_INTEGRATIONS, type ExampleFlow } from '../../seeds/templates.js';
import { assertValidGraph, normaliseGraph, syncTriggers } from '../runtime/flows.js';
import type { Models } from './models/index.js';

/**
 * Fixed ids: the demo is created once per installation and found again on every later start. It lives in
 * an agency of its own, so no customer's sub-account count, plan or lists change.
 */
export const DEMO = {
  agencyId: '00000000-0000-4000-8000-00000000de01',
  subaccountId: '00000000-0000-4000-8000-00000000de02',
  /** The GoHighLevel placeholder. */
  integrationId: '00000000-0000-4000-8000-00000000de03',
  leadFlowId: '00000000-0000-4000-8000-00000000de04',
  openaiIntegrationId: '00000000-0000-4000-8000-00000000de05',
  glytchFlowId: '00000000-0000-4000-8000-00000000de06',
} as const;

/** Placeholder integrations: pending, with the settings a user keeps and without the secret they add. */
const PLACEHOLDERS = [
  { id: DEMO.integrationId, template: 'gohighlevel', ...PLACEHOLDER_INTEGRATIONS.gohighlevel },
  { id: DEMO.openaiIntegrationId, template: 'openai', ...PLACEHOLDER_INTEGRATIONS.openai },
] as const;

interface Example {
  flowId: string;
  name: string;
  description: string;
  graph(): FlowGraph;
  /** What runSeeds reports when it adds this example. */
  added: string;
}

const demoIntegrations = { gohighlevel: DEMO.integrationId, openai: DEMO.openaiIntegrationId };
const seeded = (example: ExampleFlow, flowId: string, added: string): Example => ({
  flowId,
  name: `${example.name} (example)`,
  description: example.description,
  graph: () => example.graph(demoIntegrations),
  added,
});
const exampleOf = (id: string) => EXAMPLE_FLOWS.find((e) => e.id === id)!;

const EXAMPLES: Example[] = [
  seeded(exampleOf('lead-processing'), DEMO.leadFlowId, 'demo sub-account with the lead-processing flow'),
  seeded(exampleOf('glytch-bridge'), DEMO.glytchFlowId, 'the GLYTCH automation bridge flow'),
];

async function ensureDemoSubaccount(models: Models, transaction: Transaction): Promise<void> {
  if (!(await models.Agency.findByPk(DEMO.agencyId, { transaction }))) await models.Agency.create({ id: DEMO.agencyId, name: 'Switchboard demo' }, { transaction });
  if (!(await models.Subaccount.findByPk(DEMO.subaccountId, { transaction }))) {
    await models.Subaccount.create({ id: DEMO.subaccountId, agencyId: DEMO.agencyId, name: 'Demo sub-account', timezone: 'UTC' }, { transaction });
  }
  for (const { id, template, name, config } of PLACEHOLDERS) {
    if (await models.Integration.findByPk(id, { transaction })) continue;
    await models.Integration.create({ id, agencyId: DEMO.agencyId, subaccountId: DEMO.subaccountId, template, name, status: 'pending', config: { ...config }, secrets: null }, { transaction });
  }
}

/**
 * The demo sub-account with the example flows (inactive) and their placeholder integrations. Each example
 * is added once, so an installation seeded before an example existed gets it on its next start. Returns
 * what it added; nothing when everything is there.
 */
export async function seedDemo(models: Models): Promise<string[]> {
  const added: string[] = [];
  const registry = await nodeRegistry();
  for (const example of EXAMPLES) {
    if (await models.Flow.findByPk(example.flowId)) continue;
    const graph = normaliseGraph(example.graph());
    assertValidGraph(graph, registry);
    await models.Flow.sequelize!.transaction(async (transaction) => {
      await ensureDemoSubaccount(models, transaction);
      const flow = await models.Flow.create(
        { id: example.flowId, agencyId: DEMO.agencyId, subaccountId: DEMO.subaccountId, name: example.name, description: example.description, version: 1, active: false, errorFlowId: null },
        { transaction },
      );
      await models.FlowVersion.create({ flowId: flow.id, version: 1, graph }, { transaction });
      await syncTriggers(models, flow, graph, registry, transaction);
    });
    added.push(example.added);
  }
  return added;
}
