/**
 * A request started before the screen that needs it has loaded (the flow named in the address bar, or
 * the one just clicked, fetched while the canvas chunk and the session are still on their way), handed
 * over once to the first screen that asks for the same key. Anything else asked for, or a second ask,
 * is fetched anew, so an early answer is never shown twice or for another screen; an early request
 * that failed (say, a token that expired before sign-in) is asked again instead of showing its error.
 */
export interface EarlyLoad<T> {
  /** Starts fetching `key` now, replacing any early request not taken yet. */
  start(key: string): void;
  /** Starts fetching `key` now unless an early request for it is already waiting. */
  ensure(key: string): void;
  /** Drops the early request for `key` if it was not taken (its screen closed first): never shown later, stale. */
  forget(key: string): void;
  /** The early request for `key` if one is waiting (then forgotten), else a new one. */
  take(key: string): Promise<T>;
  /**
   * The early answer for `key` if it has already arrived (then forgotten), so that a screen can draw it
   * in its first render instead of a placeholder first; otherwise undefined, and a request still on its
   * way stays for `take`.
   */
  takeArrived(key: string): T | undefined;
}

export function createEarlyLoad<T>(fetch: (key: string) => Promise<T>): EarlyLoad<T> {
  let early: { key: string; promise: Promise<T>; arrived?: { value: T } } | null = null;
  const load: EarlyLoad<T> = {
    start(key) {
      const promise = fetch(key);
      const entry: { key: string; promise: Promise<T>; arrived?: { value: T } } = { key, promise };
      // Its failure is handled by whoever takes it (by asking again); none is left unhandled meanwhile.
      promise.then((value) => (entry.arrived = { value }), () => undefined);
      early = entry;
    },
    ensure(key) {
      if (early?.key !== key) load.start(key);
    },
    forget(key) {
      if (early?.key === key) early = null;
    },
    takeArrived(key) {
      if (early?.key !== key || !early.arrived) return undefined;
      const { value } = early.arrived;
      early = null;
      return value;
    },
    take(key) {
      const waiting = early;
      early = null;
      if (waiting?.key !== key) return fetch(key);
      return waiting.promise.catch(() => fetch(key));
    },
  };
  return load;
}
