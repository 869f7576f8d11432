import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { UniqueConstraintError } from 'sequelize';
import type { Models } from '../../db/models/index.js';
import { badRequest, HttpError, tooManyRequests } from '../../lib/errors.js';
import { parseJsonBody } from '../../lib/json-body.js';
import { WEBHOOK_ACCEPTED_AT } from '../../lib/metrics.js';
import { WEBHOOK_BODY_LIMIT } from '../intake.js';
import { verifyGhlSignature, type GhlWebhookKeys } from './signature.js';
import type { ExecutionGate } from '../../billing/gate.js';

/** GoHighLevel's events are refused this far from now (CONTRACT §7): a replayed capture is too old. */
export const TIMESTAMP_WINDOW_MS = 5 * 60_000;
/** GoHighLevel retries a 429 about ten minutes later. */
const RETRY_AFTER_SECONDS = 600;

export interface GhlIntakeDeps {
  models: Models;
  keys: GhlWebhookKeys;
  logger: Logger;
  /** Told that an event was stored, so it is processed at once. */
  stored(): void;
  /** Plan limits, when billing is on. */
  gate?: ExecutionGate;
}

const short = (value: unknown, max: number): string | null => (typeof value === 'string' && value && value.length <= max ? value : null);

/** The fields every GoHighLevel event has; a 400 naming each one that is missing or malformed. */
function checkedEvent(body: unknown): { payload: Record<string, unknown>; type: string; webhookId: string; at: number } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('A GoHighLevel event is a JSON object.', [{ path: '/', message: 'must be an object' }]);
  const payload = body as Record<string, unknown>;
  const type = short(payload.type, 60);
  const webhookId = short(payload.webhookId, 200);
  const at = typeof payload.timestamp === 'string' ? Date.parse(payload.timestamp) : NaN;
  const details = [
    ...(type ? [] : [{ path: '/type', message: 'must be the event type (text, at most 60 characters)' }]),
    ...(webhookId ? [] : [{ path: '/webhookId', message: 'must be the delivery id (text, at most 200 characters)' }]),
    ...(Number.isNaN(at) ? [{ path: '/timestamp', message: 'must be an ISO 8601 time' }] : []),
    ...(payload.locationId === undefined || short(payload.locationId, 100) ? [] : [{ path: '/locationId', message: 'must be text (at most 100 characters)' }]),
  ];
  if (details.length) throw badRequest('This is not a GoHighLevel event.', details);
  return { payload, type: type!, webhookId: webhookId!, at };
}

/**
 * `POST /webhooks/gohighlevel` (CONTRACT §7). GoHighLevel retries only a 429 and takes any other answer as
 * final, so the event is stored before it is answered and processed afterwards (processor.ts); 429 is kept
 * for "could not store", the one case where its retry is what we want.
 */
export function ghlWebhookRoutes(deps: GhlIntakeDeps): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  router.post('/webhooks/gohighlevel', rawBody, async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyGhlSignature(raw, req.headers, deps.keys)) {
      throw new HttpError(401, 'invalid_signature', 'The x-ghl-signature (or legacy x-wh-signature) is missing or was not made by GoHighLevel\'s key for this body.');
    }
    const { payload, type, webhookId, at } = checkedEvent(parseJsonBody(raw));
    if (Math.abs(Date.now() - at) > TIMESTAMP_WINDOW_MS) {
      throw badRequest(`The event's timestamp is more than ${TIMESTAMP_WINDOW_MS / 60_000} minutes from now: refused as a replay.`, [{ path: '/timestamp', message: 'is outside the 5-minute window' }], 'stale_event');
    }
    try {
      const locationId = short(payload.locationId, 100);
      const companyId = short(payload.companyId, 100);
      await deps.models.GhlEvent.create({ webhookId, type, locationId, companyId, payload });
    } catch (err) {
      if (err instanceof UniqueConstraintError) {
        res.status(200).json({ ok: true, duplicate: true });
        return;
      }
      deps.logger.error({ err, webhookId, type }, 'could not store a GoHighLevel event; asking GoHighLevel to send it again');
      throw tooManyRequests('The event could not be stored just now; GoHighLevel sends it again.', RETRY_AFTER_SECONDS, 'not_stored');
    }
    res.locals[WEBHOOK_ACCEPTED_AT] = performance.now();
    // Stored either way; past a plan's monthly executions GoHighLevel is answered 429 (its retry is a duplicate, 200).
    const locationId = short(payload.locationId, 100);
    const refusal = deps.gate && locationId ? await deps.gate.locationRefusal(locationId).catch(() => null) : null;
    deps.stored();
    if (refusal) throw refusal;
    res.status(200).json({ ok: true });
  });
  router.all('/webhooks/gohighlevel', () => {
    throw new HttpError(405, 'method_not_allowed', 'GoHighLevel events are POSTed.', [], { Allow: 'POST' });
  });
  return router;
}
