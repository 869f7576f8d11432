import type { Request } from 'express';
import type { FlowDocument, FlowGraph } from '../../schemas/flow.js';
import { EXAMPLE_FLOWS, PLACEHOLDER_INTEGRATIONS, type ExampleFlow, type ExampleIntegration } from '../../seeds/templates.js';
import type { AuditLog } from '../audit/log.js';
import type { Models } from '../db/models/index.js';
import type { ApiRoutes } from './routes.js';

export interface FlowTemplateDeps {
  models: Models;
  audit: AuditLog;
}

const SENTINEL = '\u0000integration:';

/** Drops every value that stands for an integration, so a listed template names none of anyone's. */
function withoutIntegrations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIntegrations);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([, v]) => !(typeof v === 'string' && v.startsWith(SENTINEL)));
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutIntegrations(v)]));
}

/** What `GET /api/flow-templates` answers for one example: its graph without integration ids. */
export function presentTemplate(example: ExampleFlow) {
  const sentinels = Object.fromEntries(example.integrations.map((kind) => [kind, `${SENTINEL}${kind}`])) as Record<ExampleIntegration, string>;
  const graph = withoutIntegrations(example.graph(sentinels)) as FlowGraph;
  return {
    id: example.id,
    name: example.name,
    description: example.description,
    nodeTypes: [...new Set(graph.nodes.map((n) => n.type))],
    integrations: example.integrations,
    graph,
  };
}

const fromTemplateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['template'],
  properties: {
    template: { type: 'string', enum: EXAMPLE_FLOWS.map((e) => e.id) },
    name: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

/**
 * Templates are the seed example flows. Starting a flow from one uses the sub-account's integration of each
 * kind the template needs (the oldest), or adds a pending placeholder without secrets, as the demo seed
 * does, so the new flow is valid at once and the user fills in the placeholder before activating it.
 */
export function flowTemplateRoutes(api: ApiRoutes, deps: FlowTemplateDeps, createFlow: (req: Request, doc: FlowDocument) => Promise<unknown>): void {
  const { models, audit } = deps;
  const listed = EXAMPLE_FLOWS.map(presentTemplate);

  api.add({ method: 'get', path: '/api/flow-templates', summary: 'Flow templates (the seed example flows) to start a flow from', tag: 'flows', auth: 'agency' }, () => listed);

  async function integrationFor(req: Request, kind: ExampleIntegration): Promise<string> {
    const subaccountId = req.subaccount!.id;
    const existing = await models.Integration.findOne({ where: { subaccountId, template: kind }, order: [['createdAt', 'ASC']] });
    if (existing) return existing.id;
    const { name, config } = PLACEHOLDER_INTEGRATIONS[kind];
    const row = await models.Integration.create({ agencyId: req.principal!.agencyId, subaccountId, template: kind, name, status: 'pending', config: { ...config }, secrets: null });
    await audit.record(req.principal!, { action: 'integration.created', target: { type: 'integration', id: row.id, name: row.name }, subaccountId, fields: ['name', ...Object.keys(config).sort()] });
    return row.id;
  }

  api.add(
    {
      method: 'post',
      path: '/api/subaccounts/:sid/flows/from-template',
      summary: 'Start a flow (inactive) from a flow template, with this sub-account’s integrations or pending placeholders',
      tag: 'flows',
      body: fromTemplateBody,
      status: 201,
    },
    async (req) => {
      const body = req.body as { template: string; name?: string };
      const example = EXAMPLE_FLOWS.find((e) => e.id === body.template)!;
      const ids = {} as Record<ExampleIntegration, string>;
      for (const kind of example.integrations) ids[kind] = await integrationFor(req, kind);
      return createFlow(req, { name: body.name ?? example.name, description: example.description, graph: example.graph(ids) });
    },
  );
}
