import type ivm from 'isolated-vm';

/** Calls a realm serves before the pool checks how much of the isolate's heap it holds. */
const CALLS_BETWEEN_HEAP_CHECKS = 64;
/** A realm holding more of its isolate's heap than this share (after a call) is replaced by a new one. */
const MAX_HEAP_SHARE = 0.5;
/** User functions one realm keeps; past it the realm is replaced rather than grown. */
export const FUNCTIONS_PER_REALM = 200;

/**
 * One hardened context of a warm isolate (see `harden.ts`), reused call after call of one sub-account: the
 * runner the prelude returned, and the user functions made in it, one per source.
 */
export class Realm {
  private readonly functions = new Map<string, ivm.Reference<unknown>>();
  private calls = 0;
  /** Set when the realm must not serve another call: it failed mid-call, or holds too much memory. */
  spent = false;

  constructor(
    private readonly context: ivm.Context,
    private readonly runner: ivm.Reference<(fn: unknown, argsJson: string) => Promise<string>>,
  ) {}

  static async create(isolate: ivm.Isolate, harden: ivm.Script, prelude: ivm.Script): Promise<Realm> {
    const context = await isolate.createContext();
    try {
      await harden.run(context);
      const runner = (await prelude.run(context, { reference: true })) as ivm.Reference<(fn: unknown, argsJson: string) => Promise<string>>;
      return new Realm(context, runner);
    } catch (err) {
      context.release();
      throw err;
    }
  }

  /** The user's function for this source, made in this realm once (its script is compiled per isolate). */
  async function(code: string, script: ivm.Script): Promise<ivm.Reference<unknown>> {
    let fn = this.functions.get(code);
    if (!fn) {
      fn = (await script.run(this.context, { reference: true, timeout: 1000 })) as ivm.Reference<unknown>;
      this.functions.set(code, fn);
      if (this.functions.size >= FUNCTIONS_PER_REALM) this.spent = true;
    }
    return fn;
  }

  /** Runs one call; the promise settles with the envelope string (or rejects on a limit or disposal). */
  call(fn: ivm.Reference<unknown>, argsJson: string, timeoutMs: number): Promise<unknown> {
    this.calls++;
    return this.runner.apply(undefined, [fn.derefInto(), argsJson], { timeout: timeoutMs, result: { promise: true } });
  }

  /** After a good call: now and then, whether what earlier calls left behind fills the isolate's heap. */
  checkHeap(isolate: ivm.Isolate, memoryMb: number): void {
    if (this.calls % CALLS_BETWEEN_HEAP_CHECKS !== 0 || isolate.isDisposed) return;
    isolate.getHeapStatistics().then(
      (heap) => {
        if (heap.used_heap_size > memoryMb * 1024 * 1024 * MAX_HEAP_SHARE) this.spent = true;
      },
      () => undefined,
    );
  }

  release(): void {
    for (const fn of this.functions.values()) fn.release();
    this.functions.clear();
    this.runner.release();
    this.context.release();
  }
}
