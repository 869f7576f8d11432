import type { StepStatus } from '../api/types.js';
import type { RunOverlay } from './overlay.js';

export interface TimelineRow {
  nodeId: string;
  status: StepStatus;
  /** Milliseconds from the execution's start to the step's. */
  startMs: number;
  /** The step's duration; a running or waiting step's grows until now. */
  durationMs: number;
  running: boolean;
  /** Where its bar starts and how wide it is, in per cent of the timeline. */
  left: number;
  width: number;
}

export interface Timeline {
  rows: TimelineRow[];
  totalMs: number;
  running: boolean;
}

const MIN_BAR = 0.5;
const parse = (iso: string | null | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

/**
 * One row per step of the run, in the order they started, with a bar placed on the run's time span.
 * Steps still running (or waiting) end at `now`, so the timeline grows while the run goes on.
 */
export function timelineOf(overlay: RunOverlay | null, now: number): Timeline {
  if (!overlay) return { rows: [], totalMs: 0, running: false };
  const steps = Object.entries(overlay.nodes)
    .map(([nodeId, run]) => {
      const end = parse(run.finishedAt);
      const start = parse(run.startedAt) ?? end;
      return start === undefined ? null : { nodeId, status: run.status, start, end };
    })
    .filter((s) => s !== null);
  if (!steps.length) return { rows: [], totalMs: 0, running: overlay.status === 'running' || overlay.status === 'queued' };
  const origin = Math.min(parse(overlay.startedAt) ?? Infinity, ...steps.map((s) => s.start));
  const endOf = (s: (typeof steps)[number]) => Math.max(s.start, s.end ?? now);
  const totalMs = Math.max(1, ...steps.map((s) => endOf(s) - origin), (parse(overlay.finishedAt) ?? origin) - origin);
  const rows = steps
    .sort((a, b) => a.start - b.start)
    .map((s): TimelineRow => {
      const startMs = s.start - origin;
      const durationMs = endOf(s) - s.start;
      return {
        nodeId: s.nodeId,
        status: s.status,
        startMs,
        durationMs,
        running: s.end === undefined,
        left: (startMs / totalMs) * 100,
        width: Math.max(MIN_BAR, (durationMs / totalMs) * 100),
      };
    });
  return { rows, totalMs, running: rows.some((r) => r.running) || overlay.status === 'running' };
}

/** "850 ms", "2.4 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
