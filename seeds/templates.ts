import type { FlowGraph } from '../schemas/flow.js';
import { DEFAULT_BASE_URL } from '../nodes/ai/lib/openai.js';
import { glytchBridgeGraph } from './glytch-bridge.js';
import { leadProcessingGraph } from './lead-processing.js';

/** The integration kinds the example flows use. */
export type ExampleIntegration = 'gohighlevel' | 'openai';

/**
 * The settings a placeholder integration starts with: what a user keeps, without the secret they add.
 * The demo sub-account gets them, and so does a sub-account that starts a flow from a template without
 * an integration of that kind.
 */
export const PLACEHOLDER_INTEGRATIONS: Record<ExampleIntegration, { name: string; config: Record<string, unknown> }> = {
  gohighlevel: { name: 'GoHighLevel (connect me)', config: { authType: 'token', locationId: 'your-location-id' } },
  openai: { name: 'OpenAI (add your key)', config: { baseUrl: DEFAULT_BASE_URL, model: 'gpt-4o-mini' } },
};

/** One example flow: seeded into the demo sub-account, and offered as a template for new flows. */
export interface ExampleFlow {
  id: string;
  name: string;
  description: string;
  integrations: ExampleIntegration[];
  graph(integrationIds: Record<ExampleIntegration, string>): FlowGraph;
}

export const EXAMPLE_FLOWS: ExampleFlow[] = [
  {
    id: 'lead-processing',
    name: 'Lead processing',
    description: 'Webhook → validate → find by email → score → create or update the contact and tag it → an opportunity when the score is 80 or more. Connect the GoHighLevel integration, then activate.',
    integrations: ['gohighlevel'],
    graph: (ids) => leadProcessingGraph(ids.gohighlevel),
  },
  {
    id: 'glytch-bridge',
    name: 'GLYTCH automation bridge',
    description:
      'Chat message → AI classifies it → sends an email, opens an opportunity or adds to a campaign on GoHighLevel → AI writes the reply, which answers the chat. ' +
      'Connect the GoHighLevel and OpenAI integrations, choose the campaign in the "Add to campaign" node, then activate.',
    integrations: ['gohighlevel', 'openai'],
    graph: (ids) => glytchBridgeGraph({ ghl: ids.gohighlevel, openai: ids.openai }),
  },
];
