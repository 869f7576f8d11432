import type { Request, Response } from 'express';
import type { NodeRegistry } from '../../nodes/registry.js';
import { listenBodySchema, runNodeBodySchema, type ListenBody } from '../../schemas/debugging.js';
import type { Models } from '../db/models/index.js';
import type { FlowRow } from '../db/models/runtime.js';
import { backlogFull, badRequest, HttpError, notFound } from '../lib/errors.js';
import type { CompiledFlow } from '../runtime/graph.js';
import { MAX_LISTEN_MS, type TestListening } from '../runtime/listening.js';
import { isPinned } from '../runtime/pins.js';
import { CancelledError } from '../runtime/step-runner.js';
import type { Runtime } from '../runtime/runtime.js';
import { iso } from './present.js';
import type { ApiRoutes } from './routes.js';

export interface DebuggingDeps {
  models: Models;
  registry: NodeRegistry;
  runtime: Runtime;
  listening: TestListening;
}

/** Trigger types whose next request or event can be listened for, and the execution trigger type they start. */
const LISTENABLE: Record<string, 'webhook' | 'ghl'> = { 'trigger.webhook': 'webhook', 'trigger.ghl': 'ghl' };

/** An AbortSignal that fires when the caller goes away before its answer was sent. */
function whileConnected(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * The editor's debugging (CONTRACT §5): run one node, listen for a test event. Both need the role
 * that runs flows (viewers get 403 from the tenancy guard, as for `POST …/run`).
 */
export function flowDebuggingRoutes(api: ApiRoutes, deps: DebuggingDeps): void {
  const { models, runtime, listening } = deps;
  const base = '/api/subaccounts/:sid/flows/:fid';

  async function findFlow(req: Request): Promise<FlowRow> {
    const flow = await models.Flow.findOne({ where: { id: String(req.params.fid), subaccountId: req.subaccount!.id } });
    if (!flow) throw notFound('flow');
    return flow;
  }

  function nodeOf(flow: FlowRow, compiled: CompiledFlow, nodeId: string) {
    const node = compiled.nodes.get(nodeId);
    if (!node) throw new HttpError(404, 'not_found', `The flow "${flow.name}" (version ${flow.version}) has no node "${nodeId}".`);
    return node;
  }

  api.add(
    {
      method: 'post',
      path: `${base}/nodes/:nodeId/run`,
      summary: 'Run one node in test mode and answer its step (input: the one sent, else its input in the last execution, else the pinned output before it)',
      tag: 'flows',
      body: runNodeBodySchema,
    },
    async (req, res) => {
      const flow = await findFlow(req);
      const compiled = await runtime.loadFlow(flow.id, flow.version);
      const nodeId = String(req.params.nodeId);
      nodeOf(flow, compiled, nodeId);
      const body = req.body as { input?: unknown };
      const run = await runtime.runNode({
        flow: compiled,
        flowId: flow.id,
        subaccountId: flow.subaccountId,
        nodeId,
        input: 'input' in body ? { value: body.input } : undefined,
        pinData: flow.pinData,
        signal: whileConnected(res),
      }).catch((err: unknown) => {
        if (err instanceof CancelledError) return null; // the caller went away: nobody to answer
        throw err;
      });
      if (!run) return undefined;
      const { step } = run;
      const outputs = step.outputs ?? {};
      const ports = Object.keys(outputs);
      return {
        nodeId,
        status: step.status,
        attempt: step.attempt,
        outputs,
        output: ports.length === 1 ? outputs[ports[0]] : ports.length ? outputs : null,
        ports,
        error: step.error,
        logs: step.logs,
        ...(isPinned(step) ? { pinned: true } : {}),
        ...(step.wait && !isPinned(step) ? { wait: step.wait } : {}),
        input: run.input,
        inputFrom: run.inputFrom,
        startedAt: iso(step.startedAt),
        finishedAt: iso(step.finishedAt),
      };
    },
  );

  api.add(
    {
      method: 'post',
      path: `${base}/listen`,
      summary: `Wait (up to ${MAX_LISTEN_MS / 1000} s) for the next request or event a webhook or GoHighLevel trigger receives, even while the flow is inactive; answer it as {sample, executionId} of the test execution it starts, or {sample: null} at the timeout`,
      tag: 'flows',
      body: listenBodySchema,
    },
    async (req, res) => {
      const flow = await findFlow(req);
      const body = req.body as ListenBody;
      const compiled = await runtime.loadFlow(flow.id, flow.version);
      const node = nodeOf(flow, compiled, body.nodeId);
      const kind = LISTENABLE[node.type];
      if (!kind) {
        const why = compiled.definitions.get(node.id)?.trigger
          ? `a ${node.type} node is started by ${node.type === 'trigger.schedule' ? 'its schedule' : 'a run'}, not by a request or event; use a test run instead`
          : 'it is not a trigger';
        throw badRequest(`Only webhook and GoHighLevel triggers can be listened to: "${node.id}" cannot, ${why}.`, [{ path: '/nodeId', message: `"${node.id}" is a ${node.type} node` }]);
      }
      const trigger = kind === 'webhook' ? await models.Trigger.findOne({ where: { flowId: flow.id, nodeId: node.id } }) : null;
      const timeoutMs = (body.timeoutSeconds ?? MAX_LISTEN_MS / 1000) * 1000;
      const start = async (sample: unknown) => {
        if (runtime.overloaded) throw backlogFull();
        const current = (await models.Flow.findByPk(flow.id)) ?? flow;
        const execution = await runtime.start({ flow: current, triggerNodeId: node.id, triggerType: kind, input: sample, mode: 'test', pinData: current.pinData });
        return execution.id;
      };
      const target = { flowId: flow.id, subaccountId: flow.subaccountId, nodeId: node.id, kind, token: trigger?.token ?? null };
      const heard = await listening.listen(target, start, timeoutMs, whileConnected(res));
      return heard ?? { sample: null, executionId: null };
    },
  );
}
