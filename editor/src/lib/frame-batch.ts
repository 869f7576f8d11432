/** Schedules a callback; returns a function that cancels it. */
export type Scheduler = (run: () => void) => () => void;

/**
 * The next animation frame, or a timer when frames do not come (a hidden tab gets none), whichever is
 * first: queued events still land while the tab is in the background.
 */
// Typed here: the tests compile this module without the DOM's types.
const frames = globalThis as unknown as { requestAnimationFrame(run: () => void): number; cancelAnimationFrame(id: number): void };

export const nextFrame: Scheduler = (run) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    frames.cancelAnimationFrame(frame);
    clearTimeout(timer);
    run();
  };
  const frame = frames.requestAnimationFrame(once);
  const timer = setTimeout(once, 250);
  return () => {
    done = true;
    frames.cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

/** A timer: for batches that can wait longer than a frame. */
export const every =
  (ms: number): Scheduler =>
  (run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  };

export interface Batcher<T> {
  push(item: T): void;
  /** Hands over what is queued now (e.g. before reading the state it would change). */
  flush(): void;
  dispose(): void;
}

/**
 * Queues items and hands them over together once per frame: a hundred live events a second cost one
 * store update (one render of the nodes they touch) per frame, not one per event.
 */
export function frameBatcher<T>(deliver: (items: T[]) => void, schedule: Scheduler = nextFrame): Batcher<T> {
  let queue: T[] = [];
  let cancel: (() => void) | null = null;
  const flush = () => {
    cancel?.();
    cancel = null;
    if (!queue.length) return;
    const items = queue;
    queue = [];
    deliver(items);
  };
  return {
    push(item) {
      queue.push(item);
      cancel ??= schedule(flush);
    },
    flush,
    dispose() {
      cancel?.();
      cancel = null;
      queue = [];
    },
  };
}
