import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import { HttpError } from '../lib/errors.js';
import type { Metrics } from '../lib/metrics.js';
import { errorMiddleware } from './errors.js';

async function check(probe: () => Promise<unknown>, timeoutMs = 2000): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

export type HealthProbes = Record<string, () => Promise<unknown>>;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** With METRICS_TOKEN set, `/metrics` wants `Authorization: Bearer <it>` (compared in constant time). */
export function requireMetricsToken(token: string | null) {
  const expected = token === null ? null : digest(token);
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!expected) return next();
    const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    // Hashing first makes both sides 32 bytes, so the comparison time says nothing about the length.
    if (match && timingSafeEqual(digest(match[1].trim()), expected)) return next();
    next(
      new HttpError(401, 'unauthorized', 'Send the metrics token (METRICS_TOKEN) as "Authorization: Bearer <token>".', [], {
        'WWW-Authenticate': 'Bearer realm="metrics"',
      }),
    );
  };
}

/** `/health` (200 or 503 with one line per dependency) and `/metrics` (Prometheus text, behind METRICS_TOKEN when set). */
export function operationsRoutes(
  app: Express,
  sequelize: Sequelize,
  metrics: Metrics,
  extraProbes: () => HealthProbes,
  options: { metricsToken: string | null } = { metricsToken: null },
): void {
  app.get('/health', async (_req, res) => {
    const probes: HealthProbes = { database: () => sequelize.query('SELECT 1'), ...extraProbes() };
    const names = Object.keys(probes);
    const results = await Promise.all(names.map((name) => check(probes[name])));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const healthy = results.every((r) => r === 'ok');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'error', checks });
  });
  app.get('/metrics', requireMetricsToken(options.metricsToken), async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
}

/**
 * The whole HTTP surface of a process that serves no API (a queue worker): `/health` and `/metrics`
 * exactly as the web process answers them, behind the same METRICS_TOKEN guard; anything else a JSON 404.
 */
export function operationsApp(
  sequelize: Sequelize,
  metrics: Metrics,
  probes: () => HealthProbes,
  options: { metricsToken: string | null; logger: Logger },
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, _res, next) => {
    req.log = options.logger;
    next();
  });
  app.use(metrics.middleware);
  operationsRoutes(app, sequelize, metrics, probes, { metricsToken: options.metricsToken });
  app.use((req, _res, next) => next(new HttpError(404, 'route_not_found', `There is no ${req.method} ${req.path}.`)));
  app.use(errorMiddleware);
  return app;
}
