import type { Request } from 'express';
import { Op } from 'sequelize';
import type { NodeRegistry } from '../../nodes/registry.js';
import { flowUpdateSchema, type FlowDocument, type FlowGraph, type FlowUpdate } from '../../schemas/flow.js';
import type { Models } from '../db/models/index.js';
import type { FlowRow, TriggerRow } from '../db/models/runtime.js';
import { backlogFull, HttpError, notFound } from '../lib/errors.js';
import { maskGraph, sealGraph } from '../integrations/node-secrets.js';
import type { TemplateCatalog } from '../integrations/catalog.js';
import { changedFields, type AuditLog } from '../audit/log.js';
import { assertValidGraph, normaliseGraph, syncTriggers } from '../runtime/flows.js';
import { nextRuns } from '../../nodes/triggers/schedule/handler.js';
import type { Runtime } from '../runtime/runtime.js';
import { presentExecutionWithUsage } from './token-usage.js';
import { assertValidNotes, notesDiffer, storedNotes } from './flow-notes.js';
import { flowDocumentBodySchema, flowDocuments } from './flow-documents.js';
import { flowTemplateRoutes } from './flow-templates.js';
import { iso } from './present.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import type { ApiRoutes } from './routes.js';
import type { CountedLimits } from '../billing/counted-limits.js';
import { runFlowBodySchema, withPinData, type RunFlowBody } from '../../schemas/debugging.js';
import { samePins, savedPins } from './flow-pins.js';

export interface FlowDeps {
  models: Models;
  registry: NodeRegistry;
  runtime: Runtime;
  publicUrl: string;
  /** Seals the secret fields of node configs (CONTRACT §4's rule, applied to nodes). */
  encryptionKey: Buffer;
  /** Built-in and custom templates, to check the integrations a graph names. */
  templates: TemplateCatalog;
  audit: AuditLog;
  /** Called after a flow's graph, state or existence changed (webhook intake drops its cache). */
  onFlowChanged?(): void;
  /** Plan limits (billing on): activating past the plan's active flows is refused. */
  limits?: CountedLimits;
}

/** A save whose base is not the current version (CONTRACT: no lost edits); nothing was stored. */
const versionConflict = (baseVersion: number, currentVersion: number) =>
  new HttpError(
    409,
    'version_conflict',
    `The flow is at version ${currentVersion}, not version ${baseVersion} this save started from (it was saved meanwhile); nothing was stored. Reload it, compare, or save again with baseVersion ${currentVersion} to overwrite.`,
    [{ path: '/baseVersion', message: `the current version is ${currentVersion}`, currentVersion }],
  );

export function flowRoutes(api: ApiRoutes, deps: FlowDeps): void {
  const { models, registry, runtime, encryptionKey, audit } = deps;
  const documents = flowDocuments(deps);
  const flowTarget = (flow: FlowRow) => ({ type: 'flow', id: flow.id, name: flow.name });
  /** Graphs are stored with their secrets sealed and answered with them masked. */
  const shown = (graph: FlowGraph) => maskGraph(graph, registry);
  const base = '/api/subaccounts/:sid/flows';
  const changed = () => deps.onFlowChanged?.();

  const presentTrigger = (t: TriggerRow) => ({
    nodeId: t.nodeId,
    type: t.type,
    ...(t.token ? { url: `${deps.publicUrl}/webhooks/${t.token}` } : {}),
    ...(t.type === 'trigger.schedule' ? { nextRuns: upcoming(t) } : {}),
  });

  function upcoming(t: TriggerRow): string[] {
    try {
      return nextRuns(String(t.config.cron), String(t.config.timezone ?? 'UTC'), new Date(), 5).map((d) => d.toISOString());
    } catch {
      return [];
    }
  }

  /** A page of flows in three queries whatever its size: the flows, their current versions, their triggers. */
  async function presentAll(flows: FlowRow[]) {
    if (!flows.length) return [];
    const [versions, triggers] = await Promise.all([
      models.FlowVersion.findAll({ where: { [Op.or]: flows.map((f) => ({ flowId: f.id, version: f.version })) } }),
      models.Trigger.findAll({ where: { flowId: { [Op.in]: flows.map((f) => f.id) } }, order: [['nodeId', 'ASC']] }),
    ]);
    const graphs = new Map(versions.map((v) => [v.flowId, v.graph]));
    const notes = new Map(versions.map((v) => [v.flowId, v.notes ?? []]));
    const triggersOf = new Map<string, TriggerRow[]>();
    for (const t of triggers) {
      const list = triggersOf.get(t.flowId);
      if (list) list.push(t);
      else triggersOf.set(t.flowId, [t]);
    }
    return flows.map((flow) => {
      const graph = graphs.get(flow.id);
      return {
        id: flow.id,
        subaccountId: flow.subaccountId,
        name: flow.name,
        description: flow.description,
        version: flow.version,
        active: flow.active,
        errorFlowId: flow.errorFlowId,
        graph: graph ? shown(graph) : null,
        notes: notes.get(flow.id) ?? [],
        triggers: (triggersOf.get(flow.id) ?? []).map(presentTrigger),
        createdAt: iso(flow.createdAt),
        updatedAt: iso(flow.updatedAt),
      };
    });
  }

  /** One flow also shows its pinned data (left out of lists: pins can be large). */
  const present = async (flow: FlowRow) => ({ ...(await presentAll([flow]))[0], pinData: flow.pinData ?? {} });

  /** Who saves a version: the user, or the creator of the API key that saved it. */
  async function authorOf(req: Request): Promise<{ createdById: string; createdByEmail: string | null }> {
    const id = req.principal!.actorUserId;
    const user = await models.User.findByPk(id, { attributes: ['email'] });
    return { createdById: id, createdByEmail: user?.email ?? null };
  }

  async function findFlow(req: Request): Promise<FlowRow> {
    const flow = await models.Flow.findOne({ where: { id: String(req.params.fid), subaccountId: req.subaccount!.id } });
    if (!flow) throw notFound('flow');
    return flow;
  }

  async function createFlow(req: Request, doc: FlowDocument) {
    const scope = { agencyId: req.principal!.agencyId, subaccountId: req.subaccount!.id, author: await authorOf(req), principal: req.principal! };
    return present(await documents.create(scope, doc));
  }

  api.add({ method: 'post', path: base, summary: 'Create a flow', tag: 'flows', body: flowDocumentBodySchema, status: 201 }, (req) =>
    createFlow(req, req.body as FlowDocument),
  );

  api.add({ method: 'post', path: `${base}/import`, summary: 'Import a flow document (as exported; its masked secrets must be entered again)', tag: 'flows', body: flowDocumentBodySchema, status: 201 }, (req) =>
    createFlow(req, req.body as FlowDocument),
  );

  flowTemplateRoutes(api, { models, audit }, createFlow);

  api.add({ method: 'get', path: base, summary: 'List flows', tag: 'flows', query: pagingQuery }, async (req) => {
    const page = await paginate(models.Flow, { subaccountId: req.subaccount!.id }, pageParams(req.query), (f) => f);
    return { items: await presentAll(page.items), nextCursor: page.nextCursor };
  });

  api.add({ method: 'get', path: `${base}/:fid`, summary: 'Get a flow with its current graph and triggers', tag: 'flows' }, async (req) => present(await findFlow(req)));

  api.add({ method: 'put', path: `${base}/:fid`, summary: 'Update a flow; a changed graph becomes a new version; a secret sent back as "********" keeps its value', tag: 'flows', body: withPinData(flowUpdateSchema) }, async (req) => {
    const flow = await findFlow(req);
    const body = req.body as FlowUpdate;
    const graph = body.graph ? normaliseGraph(body.graph) : undefined;
    if (graph) {
      assertValidGraph(graph, registry);
      await documents.assertIntegrations({ agencyId: req.principal!.agencyId, subaccountId: req.subaccount!.id }, graph);
    }
    assertValidNotes(body.notes);
    if (body.errorFlowId !== undefined) await documents.assertErrorFlow(req.subaccount!.id, body.errorFlowId, flow.id);
    const before = { name: flow.name, description: flow.description, errorFlowId: flow.errorFlowId, version: flow.version };
    const pinsBefore = flow.pinData;
    const author = await authorOf(req);
    await models.Flow.sequelize!.transaction(async (transaction) => {
      // Read again under a row lock: of two saves from the same base, the second sees the first's version.
      await flow.reload({ transaction, lock: transaction.LOCK.UPDATE });
      if (body.baseVersion !== undefined && body.baseVersion !== flow.version) throw versionConflict(body.baseVersion, flow.version);
      before.version = flow.version;
      const current = await models.FlowVersion.findOne({ where: { flowId: flow.id, version: flow.version }, transaction });
      // A secret sent back masked keeps the current version's value; an unchanged one keeps its seal.
      const sealed = graph && sealGraph(graph, registry, encryptionKey, current?.graph);
      const graphChanged = !!sealed && JSON.stringify(current?.graph) !== JSON.stringify(sealed);
      // Notes are versioned with the graph: a save that only moves a note is a version too, and keeps the graph.
      const notes = body.notes !== undefined ? storedNotes(body.notes) : (current?.notes ?? null);
      const changed = graphChanged || notesDiffer(current?.notes, notes);
      const version = changed ? flow.version + 1 : flow.version;
      if (changed) await models.FlowVersion.create({ flowId: flow.id, version, graph: sealed ?? current!.graph, notes, ...author }, { transaction });
      await flow.update(
        {
          version,
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.errorFlowId !== undefined ? { errorFlowId: body.errorFlowId } : {}),
          pinData: savedPins((body as { pinData?: unknown }).pinData, flow.pinData, graph, current?.graph),
        },
        { transaction },
      );
      if (graphChanged && sealed) await syncTriggers(models, flow, sealed, registry, transaction);
    });
    deps.onFlowChanged?.();
    // A new version is a changed graph; the other fields count when their value changed.
    const fields = changedFields(before, { name: flow.name, description: flow.description, errorFlowId: flow.errorFlowId, version: flow.version }).map((f) => (f === 'version' ? 'graph' : f));
    if (!samePins(pinsBefore, flow.pinData)) fields.push('pinData');
    fields.sort();
    if (fields.length) await audit.record(req.principal!, { action: 'flow.saved', target: flowTarget(flow), subaccountId: flow.subaccountId, fields });
    return present(flow);
  });

  api.add({ method: 'delete', path: `${base}/:fid`, summary: 'Delete a flow with its versions and executions', tag: 'flows', status: 204 }, async (req) => {
    const flow = await findFlow(req);
    await flow.destroy();
    changed();
    await audit.record(req.principal!, { action: 'flow.deleted', target: flowTarget(flow), subaccountId: flow.subaccountId });
  });

  api.add({ method: 'get', path: `${base}/:fid/versions`, summary: 'List a flow’s immutable versions', tag: 'flows' }, async (req) => {
    const flow = await findFlow(req);
    const versions = await models.FlowVersion.findAll({ where: { flowId: flow.id }, order: [['version', 'DESC']] });
    return {
      items: versions.map((v) => ({
        version: v.version,
        graph: shown(v.graph),
        notes: v.notes ?? [],
        createdAt: iso(v.createdAt),
        createdBy: v.createdById || v.createdByEmail ? { id: v.createdById, email: v.createdByEmail } : null,
      })),
      nextCursor: null,
    };
  });

  for (const [action, active] of [['activate', true], ['deactivate', false]] as const) {
    api.add({ method: 'post', path: `${base}/:fid/${action}`, summary: `${action === 'activate' ? 'Activate' : 'Deactivate'} the flow’s webhooks, schedules and events`, tag: 'flows' }, async (req) => {
      const flow = await findFlow(req);
      if (active && !flow.active) await deps.limits?.assertRoom(flow.agencyId, 'activeFlows');
      await models.Flow.sequelize!.transaction(async (transaction) => {
        await flow.update({ active }, { transaction });
        const version = await models.FlowVersion.findOne({ where: { flowId: flow.id, version: flow.version }, transaction });
        await syncTriggers(models, flow, version!.graph, registry, transaction);
      });
      changed();
      await audit.record(req.principal!, { action: active ? 'flow.activated' : 'flow.deactivated', target: flowTarget(flow), subaccountId: flow.subaccountId, fields: ['active'] });
      return present(flow);
    });
  }

  api.add({ method: 'get', path: `${base}/:fid/export`, summary: 'Export the flow document', tag: 'flows' }, async (req) => {
    const flow = await findFlow(req);
    const version = await models.FlowVersion.findOne({ where: { flowId: flow.id, version: flow.version } });
    return documents.exported(flow, version!);
  });

  api.add(
    {
      method: 'post',
      path: `${base}/:fid/run`,
      summary: 'Run the flow by hand (active or not); ?wait=true answers with the finished execution; "mode": "test" applies the pinned data',
      tag: 'flows',
      body: runFlowBodySchema,
      status: 202,
      query: { wait: { type: 'boolean', description: 'Wait up to 30 s for the execution to finish.' } },
    },
    async (req, res) => {
      const flow = await findFlow(req);
      if (runtime.overloaded) throw backlogFull(); // past MAX_BACKLOG nothing is stored
      const compiled = await runtime.loadFlow(flow.id, flow.version);
      const triggerNodeId =
        compiled.triggers.find((id) => compiled.nodes.get(id)?.type === 'trigger.manual') ?? compiled.triggers[0];
      const body = req.body as RunFlowBody;
      const mode = body.mode ?? 'production';
      const execution = await runtime.start({ flow, triggerNodeId, triggerType: 'manual', input: body.input ?? {}, mode, pinData: mode === 'test' ? flow.pinData : null });
      if (req.query.wait !== 'true') return { executionId: execution.id };
      const finished = await runtime.waitFor(execution.id, 30_000);
      if (!finished) return { executionId: execution.id };
      res.status(200).json(await presentExecutionWithUsage(models, finished));
      return undefined;
    },
  );
}
