import { useEffect, useRef } from 'react';
import { api } from '../api/client';
import { subscribeFlow } from '../api/socket';
import type { Execution, ExecutionEvent } from '../api/types';
import { every, frameBatcher } from '../lib/frame-batch';
import { applyEvents, withDetail } from '../lib/overlay';
import { loadLastRun } from './last-run';
import type { EditorStore } from './store';

export interface LiveHandlers {
  started(executionId: string): void;
  finished(event: ExecutionEvent): void;
  error(message: string): void;
}

/** How long the events pause after an execution finished before its detail (logs, ports, input) is fetched. */
const DETAIL_DELAY_MS = 300;
const STATUS_MS = 250;

/**
 * Follows every execution of the flow over Socket.io. Events are folded into the run overlay once per
 * animation frame, however fast they come, and reported to the handlers at most four times a second; once
 * the events pause, a finished execution still shown on the canvas gets its detail, for what events do
 * not carry (logs, attempts, the input, the ports that fired). The flow's last execution is fetched too,
 * for expressions to work with before anything runs (see last-run.ts).
 */
export function useLiveOverlay(store: EditorStore, base: string, flowId: string, handlers: LiveHandlers): void {
  const on = useRef(handlers);
  on.current = handlers;
  useEffect(() => {
    const overlay = frameBatcher<ExecutionEvent>((events) => store.getState().setOverlay((o) => applyEvents(o, events)));
    // What else an event changes (the opened execution, the list, the notice) re-renders the whole
    // workbench: a few times a second is plenty, whatever the rate of events.
    const status = frameBatcher<ExecutionEvent>((events) => {
      const started = events.findLast((e) => e.type === 'execution.started');
      const finished = events.findLast((e) => e.type === 'execution.finished');
      if (started) on.current.started(started.executionId);
      if (finished) on.current.finished(finished);
    }, every(STATUS_MS));
    // The detail of the last finished execution is fetched once the stream has been quiet for a moment:
    // during a burst the canvas moves on to the next execution anyway.
    let detailTimer: ReturnType<typeof setTimeout> | undefined;
    let detailOf: string | null = null;
    const fetchDetail = () => {
      const executionId = detailOf;
      detailOf = null;
      if (!executionId || store.getState().overlay?.executionId !== executionId) return;
      api<Execution>('GET', `${base}/executions/${executionId}`).then(
        (execution) => {
          overlay.flush();
          store.getState().setOverlay((o) => withDetail(o, execution));
        },
        () => undefined, // the live status stays as the events left it
      );
    };
    const lastRun = new AbortController();
    void loadLastRun(store, base, flowId, lastRun.signal);
    const hangUp = subscribeFlow(
      flowId,
      (event) => {
        overlay.push(event);
        if (event.type === 'execution.started' || event.type === 'execution.finished') status.push(event);
        if (event.type === 'execution.finished') detailOf = event.executionId;
        if (detailOf) {
          clearTimeout(detailTimer);
          detailTimer = setTimeout(fetchDetail, DETAIL_DELAY_MS);
        }
      },
      (message) => on.current.error(message),
    );
    return () => {
      lastRun.abort();
      hangUp();
      overlay.dispose();
      status.dispose();
      clearTimeout(detailTimer);
    };
  }, [store, base, flowId]);
}
