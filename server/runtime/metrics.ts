import { Gauge, Histogram } from 'prom-client';
import type { Models } from '../db/models/index.js';
import { EXECUTION_STATUSES } from '../db/models/runtime.js';
import type { Metrics } from '../lib/metrics.js';
import type { Dispatcher } from './dispatch.js';
import type { StepObserver } from './step-runner.js';

/** Execution counts by status (stored rows, the same from every process) and queue depth, read when Prometheus scrapes. */
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
  registerQueueDepth(metrics, dispatcher);
}

export function registerQueueDepth(metrics: Metrics, dispatcher: Dispatcher): void {
  new Gauge({
    name: 'switchboard_queue_depth',
    help: 'Executions waiting for a free slot',
    registers: [metrics.registry],
    async collect() {
      this.set(await dispatcher.depth());
    },
  });
}

/**
 * A histogram of the steps this process ran, by node type and status (succeeded, failed, waiting,
 * cancelled): bounded labels, never a node or execution id. Each (type, status) child is made once, so
 * observing a step allocates no label object.
 */
export function stepDurations(metrics: Metrics): StepObserver {
  const histogram = new Histogram({
    name: 'switchboard_step_duration_seconds',
    help: 'Time a step took in this process (all its attempts), by node type and status',
    labelNames: ['node_type', 'status'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [metrics.registry],
  });
  const children = new Map<string, Map<string, Histogram.Internal<'node_type' | 'status'>>>();
  return (nodeType, status, seconds) => {
    let byStatus = children.get(nodeType);
    if (!byStatus) children.set(nodeType, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (!child) byStatus.set(status, (child = histogram.labels(nodeType, status)));
    child.observe(seconds);
  };
}
