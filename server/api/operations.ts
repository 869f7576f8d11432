import type { Express } from 'express';
import type { Sequelize } from 'sequelize';
import type { Metrics } from '../lib/metrics.js';

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

/** `/health` (200 or 503 with one line per dependency) and `/metrics` (Prometheus text). */
export function operationsRoutes(app: Express, sequelize: Sequelize, metrics: Metrics, extraProbes: () => HealthProbes): void {
  app.get('/health', async (_req, res) => {
    const probes: HealthProbes = { database: () => sequelize.query('SELECT 1'), ...extraProbes() };
    const names = Object.keys(probes);
    const results = await Promise.all(names.map((name) => check(probes[name])));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const healthy = results.every((r) => r === 'ok');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'error', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
}
