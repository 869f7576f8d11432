import { createStore, type StoreApi } from 'zustand/vanilla';
import { api } from '../api/client';
import type { Execution, ExecutionSummary, Page } from '../api/types';
import { overlayOf, type RunOverlay } from '../lib/overlay';
import type { EditorStore } from './store';

/**
 * The flow's last execution, for expressions to complete and preview against when the canvas shows no
 * run (a flow just opened). It is kept beside the open flow's store, not in its overlay: the canvas does
 * not paint an old run as if it were the one being watched.
 */
const lastRuns = new WeakMap<EditorStore, StoreApi<{ run: RunOverlay | null }>>();

export function lastRunOf(store: EditorStore): StoreApi<{ run: RunOverlay | null }> {
  let last = lastRuns.get(store);
  if (!last) {
    last = createStore(() => ({ run: null as RunOverlay | null }));
    lastRuns.set(store, last);
  }
  return last;
}

/** Fetches the flow's newest execution with its steps; nothing when it has none (or the call fails). */
export async function loadLastRun(store: EditorStore, base: string, flowId: string, signal: AbortSignal): Promise<void> {
  try {
    const page = await api<Page<ExecutionSummary>>('GET', `${base}/executions?flowId=${encodeURIComponent(flowId)}&limit=1`, undefined, { signal });
    const newest = page.items[0];
    if (!newest) return;
    const execution = await api<Execution>('GET', `${base}/executions/${newest.id}`, undefined, { signal });
    lastRunOf(store).setState({ run: overlayOf(execution) });
  } catch {
    // Without it, expressions wait for a run on the canvas, as they would for a flow never run.
  }
}
