import { useEffect, useRef } from 'react';
import { api } from '../api/client';
import { subscribeFlow } from '../api/socket';
import type { Execution, ExecutionEvent } from '../api/types';
import { frameBatcher } from '../lib/frame-batch';
import { applyEvents, withDetail } from '../lib/overlay';
import type { EditorStore } from './store';

export interface LiveHandlers {
  started(executionId: string): void;
  finished(event: ExecutionEvent): void;
  error(message: string): void;
}

/** How long a finished execution stays shown before its detail (logs, ports, input) is fetched. */
const DETAIL_DELAY_MS = 300;

/**
 * Follows every execution of the flow over Socket.io. Events are folded into the run overlay once per
 * animation frame, however fast they come; a finished execution still shown on the canvas then gets its
 * detail, for what events do not carry (logs, attempts, the input, the ports that fired).
 */
export function useLiveOverlay(store: EditorStore, base: string, flowId: string, handlers: LiveHandlers): void {
  const on = useRef(handlers);
  on.current = handlers;
  useEffect(() => {
    const batch = frameBatcher<ExecutionEvent>((events) => store.getState().setOverlay((o) => applyEvents(o, events)));
    let detailTimer: ReturnType<typeof setTimeout> | undefined;
    const fetchDetail = (executionId: string) => {
      clearTimeout(detailTimer);
      detailTimer = setTimeout(() => {
        if (store.getState().overlay?.executionId !== executionId) return;
        api<Execution>('GET', `${base}/executions/${executionId}`).then(
          (execution) => {
            batch.flush();
            store.getState().setOverlay((o) => withDetail(o, execution));
          },
          () => undefined, // the live status stays as the events left it
        );
      }, DETAIL_DELAY_MS);
    };
    const hangUp = subscribeFlow(
      flowId,
      (event) => {
        batch.push(event);
        if (event.type === 'execution.started') on.current.started(event.executionId);
        if (event.type === 'execution.finished') {
          fetchDetail(event.executionId);
          on.current.finished(event);
        }
      },
      (message) => on.current.error(message),
    );
    return () => {
      hangUp();
      batch.dispose();
      clearTimeout(detailTimer);
    };
  }, [store, base, flowId]);
}
