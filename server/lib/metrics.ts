import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How a delivery to `/webhooks/:token` ended; the only label of the intake metrics (bounded). */
export const WEBHOOK_OUTCOMES = [
  'accepted',
  'duplicate',
  'refused_signature',
  'not_found',
  'method_not_allowed',
  'too_large',
  'bad_request',
  'limited',
  'overloaded',
  'error',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

const WEBHOOK_ROUTE = '/webhooks/:token';
const UNDER_WEBHOOKS = /^\/+webhooks\//i;

/**
 * The intake sets this on `res.locals` (a `performance.now()` reading) once the delivery is stored and
 * dispatched: the request was accepted, and intake latency ends there even when the answer waits for the
 * execution (`respond: onCompleted`).
 */
export const WEBHOOK_ACCEPTED_AT = 'webhookAcceptedAt';

function webhookOutcome(res: Response): WebhookOutcome {
  const status = res.statusCode;
  if (res.locals[WEBHOOK_ACCEPTED_AT] !== undefined) return 'accepted';
  if (status < 300) return res.getHeader('Idempotent-Replayed') ? 'duplicate' : 'accepted';
  switch (status) {
    case 401:
      return 'refused_signature';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 413:
      return 'too_large';
    case 429:
      return 'limited';
    case 503:
      return 'overloaded';
  }
  return status < 500 ? 'bad_request' : 'error';
}

/** One registry per app, so apps built side by side in tests do not share counters. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  const latency = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency', labelNames, buckets, registers: [registry] });
  const webhookRequests = new Counter({
    name: 'switchboard_webhook_requests_total',
    help: 'Deliveries to /webhooks/:token, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const webhookLatency = new Histogram({
    name: 'switchboard_webhook_intake_duration_seconds',
    help: 'Webhook intake latency by outcome: until the delivery is stored (accepted) or refused',
    labelNames: ['outcome'],
    buckets: [0.0005, ...buckets],
    registers: [registry],
  });
  // One child per outcome, made once: counting a delivery allocates no label object.
  const webhook = Object.fromEntries(
    WEBHOOK_OUTCOMES.map((outcome) => {
      webhookRequests.inc({ outcome }, 0);
      webhookLatency.zero({ outcome });
      return [outcome, { count: webhookRequests.labels(outcome), latency: webhookLatency.labels(outcome) }];
    }),
  ) as Record<WebhookOutcome, { count: Counter.Internal; latency: Histogram.Internal<'outcome'> }>;

  function middleware(req: Request, res: Response, next: NextFunction): void {
    const began = performance.now();
    res.on('finish', () => {
      const seconds = (performance.now() - began) / 1000;
      // The route pattern, not the URL, keeps label cardinality bounded.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status_code: String(res.statusCode) };
      requests.inc(labels);
      latency.observe(labels, seconds);
      if (route === WEBHOOK_ROUTE || (route === 'unmatched' && UNDER_WEBHOOKS.test(req.originalUrl))) {
        const outcome = webhook[webhookOutcome(res)];
        const acceptedAt = res.locals[WEBHOOK_ACCEPTED_AT] as number | undefined;
        outcome.count.inc();
        outcome.latency.observe(acceptedAt === undefined ? seconds : (acceptedAt - began) / 1000);
      }
    });
    next();
  }

  return { registry, middleware };
}

export type Metrics = ReturnType<typeof createMetrics>;
