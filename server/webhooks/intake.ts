import express, { Router, type Request, type Response } from 'express';
import { UniqueConstraintError } from 'sequelize';
import { newId } from '../db/columns.js';
import { backlogFull, HttpError, notFound, unauthorized } from '../lib/errors.js';
import { parseJsonBody } from '../lib/json-body.js';
import { maskUrl } from '../lib/http-logging.js';
import { WEBHOOK_ACCEPTED_AT } from '../lib/metrics.js';
import { WEBHOOK_METHODS } from '../../nodes/triggers/webhook/schema.js';
import type { WebhookResponse } from '../../nodes/contract.js';
import type { Runtime } from '../runtime/runtime.js';
import type { WebhookInbox } from './inbox.js';
import type { TestListening } from '../runtime/listening.js';
import { verifySignature } from './signature.js';

export const WEBHOOK_BODY_LIMIT = '1mb';
const ON_COMPLETED_WAIT_MS = 30_000;

interface WebhookConfig {
  methods?: string[];
  respond?: 'onReceived' | 'onCompleted' | 'onResponseNode';
  signature?: { secret?: string; integrationId?: string; header: string; prefix?: string; encoding?: 'hex' | 'base64' };
  idempotency?: { bodyPath?: string };
}

/** Sends what a `webhook.respond` node chose: a string as text (unless its headers say otherwise), anything else as JSON. */
function sendFlowResponse(res: Response, response: WebhookResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  const typed = res.getHeader('content-type') !== undefined;
  if (typeof response.body === 'string') {
    if (!typed) res.type('text/plain');
    res.send(response.body);
  } else if (response.body === undefined) {
    res.end();
  } else if (typed) {
    res.send(JSON.stringify(response.body));
  } else {
    res.json(response.body);
  }
}

/** Parses the body by its content type; JSON that does not parse, or nests too deep, is a 400 (the sender can fix it). */
function parseBody(req: Request, raw: Buffer): unknown {
  if (!raw.length) return null;
  if (req.is('application/json') || req.is('application/*+json')) return parseJsonBody(raw);
  const text = raw.toString('utf8');
  if (req.is('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (req.is('text/*') || req.is('application/xml')) return text;
  return { base64: raw.toString('base64') };
}

function pick(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), body);
}

function idempotencyKey(req: Request, body: unknown, config: WebhookConfig): string | null {
  const header = req.headers['idempotency-key'];
  if (typeof header === 'string' && header.trim()) return header.trim().slice(0, 300);
  const path = config.idempotency?.bodyPath;
  if (!path) return null;
  const value = pick(body, path);
  return value === undefined || value === null || typeof value === 'object' ? null : String(value).slice(0, 300);
}

/**
 * `ANY /webhooks/:token`: store the request, then answer (CONTRACT §7). While someone listens for a test
 * event on the trigger (`listening`), an inactive flow's URL accepts the next request as the sample of a
 * test execution, and an active flow's listener is told what its production execution received.
 */
export function webhookRoutes(inbox: WebhookInbox, runtime: Runtime, listening?: TestListening): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  async function replay(triggerId: string, key: string, res: Response): Promise<boolean> {
    const first = await inbox.firstWithKey(triggerId, key);
    if (!first) return false;
    res.setHeader('Idempotent-Replayed', 'true');
    res.status(first.response!.status).json(first.response!.body);
    return true;
  }

  router.all('/webhooks/:token', rawBody, async (req: Request, res: Response) => {
    const token = String(req.params.token);
    const listenId = listening?.forToken(token);
    const hook = (await inbox.resolve(token)) ?? (listenId ? await inbox.resolveListened(token) : null);
    if (!hook) throw notFound('webhook (unknown URL, or the flow is not active)');
    const { trigger, flow } = hook;
    const config = trigger.config as WebhookConfig;
    // Only the node's methods (default: all the schema offers); HEAD, TRACE, CONNECT and the rest start nothing.
    const methods: readonly string[] = config.methods?.length ? config.methods : WEBHOOK_METHODS;
    if (!methods.includes(req.method)) {
      throw new HttpError(405, 'method_not_allowed', `This webhook accepts ${methods.join(', ')}.`, [], { Allow: methods.join(', ') });
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // Fails closed: a configured check whose secret cannot be found refuses every request.
    if (config.signature && !(hook.secret && verifySignature({ ...config.signature, secret: hook.secret }, raw, req.headers))) {
      throw unauthorized(`The ${config.signature.header} signature is missing or does not match.`);
    }
    // Past MAX_BACKLOG nothing is stored (CONTRACT §7): the sender keeps the request and sends it again.
    if (runtime.overloaded) throw backlogFull();
    const body = parseBody(req, raw);
    if (listenId && !flow.active) {
      // A test event: the listener starts the test execution (it is stored before this answer).
      const offered = await listening!.offer(listenId, { method: req.method, headers: req.headers, query: req.query, body });
      if ('refused' in offered) throw offered.refused === 'busy' ? backlogFull() : notFound('webhook (unknown URL, or the flow is not active)');
      res.status(202).json({ executionId: offered.executionId });
      return;
    }
    const key = idempotencyKey(req, body, config);
    if (key && (await replay(trigger.id, key, res))) return;

    // Billing on: past the plan's monthly executions (a cached answer, no query) the delivery is still
    // stored, held, and answered 429; it starts by itself once the limit allows.
    const gate = runtime.gate;
    let held = false;
    if (gate) {
      const allowed = gate.allows(flow.agencyId);
      held = !(typeof allowed === 'boolean' ? allowed : await allowed);
      if (!held) gate.started(flow.agencyId);
    }
    const executionId = newId();
    const response = { status: 202, body: { executionId } };
    const execution = {
      id: executionId,
      flowId: flow.id,
      subaccountId: flow.subaccountId,
      flowVersion: flow.version,
      status: 'queued' as 'queued' | 'waiting',
      trigger: { type: 'webhook', nodeId: trigger.nodeId },
      input: { method: req.method, headers: req.headers, query: req.query, body },
      error: null,
      retryOf: null,
      startedAt: null,
      ...(held ? gate!.heldState : runtime.reservation(executionId, raw.length)),
    };
    const request = { method: req.method, url: maskUrl(req.originalUrl), headers: req.headers, query: req.query, raw: raw.toString('base64') };
    try {
      await inbox.store({
        event: { id: newId(), triggerId: trigger.id, flowId: flow.id, subaccountId: flow.subaccountId, request, idempotencyKey: key, executionId, response },
        execution,
      });
    } catch (err) {
      // Two deliveries with one key raced: the loser answers like a repeat.
      if (err instanceof UniqueConstraintError && key && (await replay(trigger.id, key, res))) return;
      throw err;
    }
    if (held) throw await gate!.refusal(flow.agencyId, executionId);
    const answer = config.respond === 'onResponseNode' ? runtime.waitForResponse(executionId, ON_COMPLETED_WAIT_MS) : undefined;
    await runtime.dispatch(executionId, execution);
    if (listenId) listening!.observed(listenId, execution.input, executionId);
    res.locals[WEBHOOK_ACCEPTED_AT] = performance.now(); // stored and dispatched: intake latency ends here (/metrics)
    if (config.respond !== 'onCompleted' && !answer) {
      res.status(202).json(response.body);
      return;
    }
    const outcome = answer ? await answer : await runtime.waitFor(executionId, ON_COMPLETED_WAIT_MS).then((row) => row && { finished: row });
    if (outcome && 'response' in outcome) {
      sendFlowResponse(res, outcome.response);
      return;
    }
    const finished = outcome?.finished;
    if (!finished) {
      res.status(202).json(response.body);
      return;
    }
    if (finished.status === 'succeeded') {
      res.status(200).json((await runtime.lastOutput(executionId)) ?? null);
      return;
    }
    res.status(500).json({ error: { code: 'execution_failed', message: finished.error?.message ?? `The execution ended ${finished.status}.`, details: [], executionId } });
  });
  return router;
}
