import { Gauge } from 'prom-client';
import type { Models } from '../db/models/index.js';
import { EXECUTION_STATUSES } from '../db/models/runtime.js';
import type { Metrics } from '../lib/metrics.js';
import type { Dispatcher } from './dispatch.js';

/** Execution counts by status and queue depth, read when Prometheus scrapes. */
export function registerRuntimeMetrics(metrics: Metrics, models: Models, dispatcher: Dispatcher): void {
  new Gauge({
    name: 'switchboard_executions',
    help: 'Executions stored, by status',
    labelNames: ['status'],
    registers: [metrics.registry],
    async collect() {
      const rows = (await models.Execution.count({ group: ['status'] })) as unknown as { status: string; count: number }[];
      for (const status of EXECUTION_STATUSES) this.set({ status }, Number(rows.find((r) => r.status === status)?.count ?? 0));
    },
  });
  new Gauge({
    name: 'switchboard_queue_depth',
    help: 'Executions waiting for a free slot',
    registers: [metrics.registry],
    async collect() {
      this.set(await dispatcher.depth());
    },
  });
}
