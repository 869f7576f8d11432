import express, { Router, type Request, type Response } from 'express';
import { Op, UniqueConstraintError } from 'sequelize';
import type { Models } from '../db/models/index.js';
import type { TriggerRow } from '../db/models/runtime.js';
import { newId } from '../db/columns.js';
import { HttpError, notFound, unauthorized } from '../lib/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import { verifySignature } from './signature.js';

export const WEBHOOK_BODY_LIMIT = '1mb';
const ON_COMPLETED_WAIT_MS = 30_000;

interface WebhookConfig {
  methods?: string[];
  respond?: 'onReceived' | 'onCompleted';
  signature?: { secret: string; header: string; prefix?: string; encoding?: 'hex' | 'base64' };
  idempotency?: { bodyPath?: string };
}

/** Parses the body by its content type; JSON that does not parse is a 400 (the sender can fix it). */
function parseBody(req: Request, raw: Buffer): unknown {
  if (!raw.length) return null;
  const text = raw.toString('utf8');
  if (req.is('application/json') || req.is('application/*+json')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.', [{ path: '/', message: (err as Error).message }]);
    }
  }
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

const DEDUPE_WINDOW_MS = 24 * 3600_000;

/** `ANY /webhooks/:token`: store the request, then answer (CONTRACT §7). */
export function webhookRoutes(models: Models, runtime: Runtime): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  async function findTrigger(token: string): Promise<TriggerRow> {
    const trigger = token.length <= 64 ? await models.Trigger.findOne({ where: { token, type: 'trigger.webhook' } }) : null;
    if (!trigger || !trigger.active) throw notFound('webhook (unknown URL, or the flow is not active)');
    return trigger;
  }

  async function repeated(trigger: TriggerRow, key: string, res: Response): Promise<boolean> {
    const first = await models.WebhookEvent.findOne({ where: { triggerId: trigger.id, idempotencyKey: key } });
    if (!first?.response || Date.now() - new Date(first.createdAt).getTime() > DEDUPE_WINDOW_MS) return false;
    res.setHeader('Idempotent-Replayed', 'true');
    res.status(first.response.status).json(first.response.body);
    return true;
  }

  router.all('/webhooks/:token', rawBody, async (req: Request, res: Response) => {
    const trigger = await findTrigger(String(req.params.token));
    const config = trigger.config as WebhookConfig;
    if (config.methods?.length && !config.methods.includes(req.method)) {
      res.setHeader('Allow', config.methods.join(', '));
      throw new HttpError(405, 'method_not_allowed', `This webhook accepts ${config.methods.join(', ')}.`);
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (config.signature && !verifySignature(config.signature, raw, req.headers)) {
      throw unauthorized(`The ${config.signature.header} signature is missing or does not match.`);
    }
    const body = parseBody(req, raw);
    const key = idempotencyKey(req, body, config);
    if (key && (await repeated(trigger, key, res))) return;

    const flow = await models.Flow.findByPk(trigger.flowId);
    if (!flow) throw notFound('webhook');
    const input = { method: req.method, headers: req.headers, query: req.query, body };
    const executionId = newId();
    const response = { status: 202, body: { executionId } };
    try {
      await models.WebhookEvent.sequelize!.transaction(async (transaction) => {
        // A key older than the dedupe window is released so the same key can start a flow again.
        if (key) {
          await models.WebhookEvent.update(
            { idempotencyKey: null },
            { where: { triggerId: trigger.id, idempotencyKey: key, createdAt: { [Op.lt]: new Date(Date.now() - DEDUPE_WINDOW_MS) } }, transaction },
          );
        }
        await models.WebhookEvent.create(
          {
            triggerId: trigger.id,
            flowId: flow.id,
            subaccountId: flow.subaccountId,
            request: { method: req.method, url: req.originalUrl.replace(/^\/webhooks\/[^/?]+/, '/webhooks/…'), headers: req.headers, query: req.query, raw: raw.toString('base64') },
            idempotencyKey: key,
            executionId,
            response,
          },
          { transaction },
        );
        await models.Execution.create(
          {
            id: executionId,
            flowId: flow.id,
            subaccountId: flow.subaccountId,
            flowVersion: flow.version,
            status: 'queued',
            trigger: { type: 'webhook', nodeId: trigger.nodeId },
            input,
            error: null,
            retryOf: null,
          },
          { transaction },
        );
      });
    } catch (err) {
      // Two deliveries with one key raced: the loser answers like a repeat.
      if (err instanceof UniqueConstraintError && key && (await repeated(trigger, key, res))) return;
      throw err;
    }
    await runtime.dispatch(executionId);
    if (config.respond !== 'onCompleted') {
      res.status(202).json(response.body);
      return;
    }
    const finished = await runtime.waitFor(executionId, ON_COMPLETED_WAIT_MS);
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
