import { takesIntegration } from '../../nodes/contract.js';
import type { NodeRegistry } from '../../nodes/registry.js';
import { withPinData } from '../../schemas/debugging.js';
import { flowDocumentSchema, type FlowDocument, type FlowGraph } from '../../schemas/flow.js';
import type { AuditLog } from '../audit/log.js';
import type { Principal } from '../auth/principal.js';
import { isId } from '../db/columns.js';
import type { Models } from '../db/models/index.js';
import type { FlowRow, FlowVersionRow } from '../db/models/runtime.js';
import type { IntegrationNeeds } from '../integrations/access.js';
import type { TemplateCatalog } from '../integrations/catalog.js';
import { maskGraph, sealGraph } from '../integrations/node-secrets.js';
import { badRequest, type ErrorDetail } from '../lib/errors.js';
import { assertValidGraph, normaliseGraph, syncTriggers } from '../runtime/flows.js';
import { checkedPins } from './flow-pins.js';
import { assertValidNotes, storedNotes } from './flow-notes.js';

/** A flow document as the API's create and import take it, and the CLI's import reads it: with its pinned data. */
export const flowDocumentBodySchema = withPinData(flowDocumentSchema);

export interface FlowDocumentDeps {
  models: Models;
  registry: NodeRegistry;
  encryptionKey: Buffer;
  templates: TemplateCatalog;
  audit: AuditLog;
}

/** Where a flow is created, and by whom: a signed-in principal (audited), or the operator's CLI (no principal). */
export interface FlowScope {
  agencyId: string;
  subaccountId: string;
  author: { createdById: string | null; createdByEmail: string | null };
  principal?: Principal;
}

/**
 * Flow documents in and out (CONTRACT §4 "export / import", and the CLI's export-flows / import-flows):
 * the checks a created flow passes, its creation, and the document an export answers.
 */
export function flowDocuments(deps: FlowDocumentDeps) {
  const { models, registry, encryptionKey, templates, audit } = deps;

  async function assertErrorFlow(subaccountId: string, errorFlowId: string | null | undefined, self?: string): Promise<void> {
    if (!errorFlowId) return;
    const found = errorFlowId !== self && (await models.Flow.findOne({ where: { id: errorFlowId, subaccountId } }));
    if (!found) throw badRequest('errorFlowId must name another flow of this sub-account.', [{ path: '/errorFlowId', message: 'no such flow' }]);
  }

  /**
   * Every integration a flow names must belong to this sub-account and be of a template its node takes:
   * a webhook's signing secret (webhook-secret), and `integrationId` of nodes that declare an integration
   * (the template they name, or one they accept, such as custom templates for http.request).
   */
  async function assertIntegrations(scope: Pick<FlowScope, 'agencyId' | 'subaccountId'>, graph: FlowGraph): Promise<void> {
    const details: ErrorDetail[] = [];
    const templateOf = templates.finder(scope.agencyId);
    for (const [i, node] of graph.nodes.entries()) {
      const config = (node.config ?? {}) as { integrationId?: unknown; signature?: { integrationId?: unknown } };
      const definition = registry.get(node.type);
      const named =
        node.type === 'trigger.webhook'
          ? { id: config.signature?.integrationId, needs: { integration: 'webhook-secret' } as IntegrationNeeds, optional: true, path: 'config/signature/integrationId' }
          : definition?.integration
            ? { id: config.integrationId, needs: definition, optional: !!definition.integrationOptional, path: 'config/integrationId' }
            : undefined;
      if (!named || (named.id === undefined && named.optional)) continue;
      const row = isId(named.id) ? await models.Integration.findOne({ where: { id: named.id, subaccountId: scope.subaccountId } }) : null;
      const template = row ? await templateOf(row.template) : undefined;
      if (row && takesIntegration(named.needs, { id: row.template, custom: !!template?.custom, authenticatesHttp: !!template?.httpAuth })) continue;
      const kind = named.needs.acceptsIntegration ? `${named.needs.integration} (or custom-template)` : named.needs.integration;
      details.push({ path: `/graph/nodes/${i}/${named.path}`, message: `node "${node.id}": no ${kind} integration with this id in this sub-account`, nodeId: node.id });
    }
    if (details.length) throw badRequest(details[0].message, details, 'invalid_graph');
  }

  /** Checks a document and stores it as a new, inactive flow at version 1 (400 naming each problem). */
  async function create(scope: FlowScope, doc: FlowDocument): Promise<FlowRow> {
    const clear = normaliseGraph(doc.graph);
    assertValidGraph(clear, registry);
    assertValidNotes(doc.notes);
    await assertIntegrations(scope, clear);
    await assertErrorFlow(scope.subaccountId, doc.errorFlowId);
    const pinData = checkedPins((doc as { pinData?: unknown }).pinData, clear);
    // An exported flow carries its secrets masked: they must be entered again (400 naming each field).
    const graph = sealGraph(clear, registry, encryptionKey);
    const flow = await models.Flow.sequelize!.transaction(async (transaction) => {
      const flow = await models.Flow.create(
        {
          agencyId: scope.agencyId,
          subaccountId: scope.subaccountId,
          name: doc.name,
          description: doc.description ?? null,
          version: 1,
          active: false,
          errorFlowId: doc.errorFlowId ?? null,
          pinData,
        },
        { transaction },
      );
      await models.FlowVersion.create({ flowId: flow.id, version: 1, graph, notes: storedNotes(doc.notes), ...scope.author }, { transaction });
      await syncTriggers(models, flow, graph, registry, transaction);
      return flow;
    });
    if (scope.principal) {
      const fields = ['name', 'graph', ...(doc.description ? ['description'] : []), ...(doc.errorFlowId ? ['errorFlowId'] : [])];
      await audit.record(scope.principal, { action: 'flow.created', target: { type: 'flow', id: flow.id, name: flow.name }, subaccountId: flow.subaccountId, fields });
    }
    return flow;
  }

  /** The document of a flow's current version, its secrets masked. */
  function exported(flow: FlowRow, version: FlowVersionRow) {
    return {
      name: flow.name,
      ...(flow.description ? { description: flow.description } : {}),
      ...(flow.pinData ? { pinData: flow.pinData } : {}),
      graph: maskGraph(version.graph, registry),
      ...(version.notes?.length ? { notes: version.notes } : {}),
    };
  }

  return { create, assertIntegrations, assertErrorFlow, exported };
}
