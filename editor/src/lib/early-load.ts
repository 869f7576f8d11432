/**
 * A request started before the screen that needs it has loaded (the flow named in the address bar,
 * fetched while the canvas chunk and the session are still on their way), handed over once to the
 * first screen that asks for the same key. Anything else asked for, or a second ask, is fetched anew,
 * so an early answer is never shown twice or for another screen; an early request that failed (say,
 * a token that expired before sign-in) is asked again instead of showing its error.
 */
export interface EarlyLoad<T> {
  /** Starts fetching `key` now, replacing any early request not taken yet. */
  start(key: string): void;
  /** The early request for `key` if one is waiting (then forgotten), else a new one. */
  take(key: string): Promise<T>;
}

export function createEarlyLoad<T>(fetch: (key: string) => Promise<T>): EarlyLoad<T> {
  let early: { key: string; promise: Promise<T> } | null = null;
  return {
    start(key) {
      const promise = fetch(key);
      // Its failure is handled by whoever takes it (by asking again); none is left unhandled meanwhile.
      promise.catch(() => undefined);
      early = { key, promise };
    },
    take(key) {
      const waiting = early;
      early = null;
      if (waiting?.key !== key) return fetch(key);
      return waiting.promise.catch(() => fetch(key));
    },
  };
}
