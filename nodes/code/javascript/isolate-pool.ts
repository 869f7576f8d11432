import ivm from 'isolated-vm';
import { NodeError } from '../../contract.js';
import { HARDEN } from './harden.js';
import { PRELUDE, SYNTAX_CHECK, wrapped } from './prelude.js';
import { Realm } from './realm.js';

/** Compiled scripts one isolate keeps (least recently used dropped first). */
const SCRIPTS_PER_ISOLATE = 200;

/**
 * One warm isolate, owned by one sub-account (and one memory limit). It runs one call at a time, each in its
 * realm: a context hardened so that no call can leave state for the next (`harden.ts`), made while the
 * isolate idles and replaced when a call fails mid-way or it holds too much memory. Isolates are never shared
 * between sub-accounts, so even state V8 keeps per isolate rather than per context could not cross tenants.
 */
export class WarmIsolate {
  readonly isolate: ivm.Isolate;
  lastUsed = 0;
  busy = false;
  private readonly scripts = new Map<string, ivm.Script>();
  private readonly setup: Promise<[ivm.Script, ivm.Script]>;
  private checker?: Promise<ivm.Reference<(code: string) => string>>;
  private current?: Promise<Realm>;

  constructor(
    readonly key: string,
    readonly memoryMb: number,
  ) {
    this.isolate = new ivm.Isolate({
      memoryLimit: memoryMb,
      // V8 lost control of the isolate: its memory cannot be trusted any more (isolated-vm's advice).
      // Executions are durable, so the restarted process resumes them, and a repeat offender is failed
      // as a poison execution after its third interruption.
      onCatastrophicError: (message) => {
        process.stderr.write(`code.javascript: isolated-vm catastrophic error, aborting: ${message}\n`);
        process.abort();
      },
    });
    this.setup = Promise.all([
      this.isolate.compileScript(HARDEN, { filename: 'switchboard:harden' }),
      this.isolate.compileScript(PRELUDE, { filename: 'switchboard:prelude' }),
    ]);
    this.setup.catch(() => undefined);
    this.prepare();
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /** Makes the realm ahead of the next call, off the event loop (the isolate's own thread does it). */
  prepare(): void {
    if (this.disposed || this.current) return;
    this.current = this.setup.then(([harden, prelude]) => Realm.create(this.isolate, harden, prelude));
    this.current.catch(() => {
      this.current = undefined;
    });
  }

  /** The realm for the next call. */
  async realm(): Promise<Realm> {
    this.prepare();
    return this.current as Promise<Realm>;
  }

  /** Drops the realm (it failed mid-call, or is spent); the next call gets a new one. */
  async retire(): Promise<void> {
    const realm = this.current;
    this.current = undefined;
    const settled = await realm?.catch(() => undefined);
    if (settled && !this.disposed) settled.release();
  }

  /** The user's code compiled for this isolate, once per source; a syntax error is the step's error. */
  async script(code: string): Promise<ivm.Script> {
    const cached = this.scripts.get(code);
    if (cached) {
      this.scripts.delete(code);
      this.scripts.set(code, cached);
      return cached;
    }
    const problem = await (await this.syntaxChecker()).apply(undefined, [code], { timeout: 5000 });
    if (problem) throw new NodeError(`The code does not parse: ${problem}`, 'syntax_error');
    const script = await this.isolate.compileScript(wrapped(code), { filename: 'code.js', lineOffset: -1 });
    if (this.scripts.size >= SCRIPTS_PER_ISOLATE) {
      const oldest = this.scripts.keys().next().value as string;
      this.scripts.get(oldest)?.release();
      this.scripts.delete(oldest);
    }
    this.scripts.set(code, script);
    return script;
  }

  private syntaxChecker(): Promise<ivm.Reference<(code: string) => string>> {
    this.checker ??= (async () => {
      const context = await this.isolate.createContext();
      const check = await this.isolate.compileScript(SYNTAX_CHECK, { filename: 'switchboard:syntax-check' });
      return (await check.run(context, { reference: true })) as ivm.Reference<(code: string) => string>;
    })();
    return this.checker;
  }

  dispose(): void {
    if (!this.disposed) this.isolate.dispose();
  }
}

export interface PoolLimits {
  /** Isolates in the whole process. */
  isolates: number;
  /** Isolates one key may hold. */
  perKey: number;
}

interface Waiter {
  key: string;
  wake(): void;
}

/**
 * Warm isolates keyed by sub-account and memory limit, bounded in all and per key. A call takes an idle
 * isolate of its key, or makes one (disposing the least recently used idle isolate of any key when the pool
 * is full), or waits for one to come back. An isolate that died (memory limit, time limit that had to be
 * enforced by disposal, cancel) is dropped and a new one is made on demand.
 */
export class IsolatePool {
  private readonly isolates: WarmIsolate[] = [];
  /** Calls waiting for an isolate, oldest first. */
  private waiters: Waiter[] = [];
  private created = 0;

  constructor(private readonly limits: PoolLimits) {}

  /** How many isolates are alive, and how many were ever made (tests and the benchmark read these). */
  stats(): { alive: number; busy: number; created: number } {
    this.prune();
    return { alive: this.isolates.length, busy: this.isolates.filter((i) => i.busy).length, created: this.created };
  }

  async acquire(key: string, memoryMb: number, signal: AbortSignal): Promise<WarmIsolate> {
    for (;;) {
      signal.throwIfAborted();
      const taken = this.take(key, memoryMb);
      if (taken) return taken;
      await new Promise<void>((resolve) => {
        const onAbort = () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve();
        };
        const waiter: Waiter = {
          key,
          wake: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        this.waiters.push(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /**
   * The idle isolate goes to the oldest call that can use it: one of its key, or one whose key has room for
   * an isolate of its own (made by evicting an idle one). One wake per release: with a hundred calls
   * waiting, waking them all to find the one that can proceed cost more than the calls themselves. A dead
   * isolate frees room for any key, so then all wake.
   */
  release(isolate: WarmIsolate): void {
    isolate.busy = false;
    isolate.lastUsed = performance.now();
    if (isolate.disposed) {
      this.prune();
      this.wakeAll();
      return;
    }
    const next = this.waiters.findIndex((waiter) => waiter.key === isolate.key || this.hasRoom(waiter.key));
    if (next >= 0) this.waiters.splice(next, 1)[0].wake();
  }

  /** Disposes every isolate (shutdown, tests). */
  close(): void {
    for (const isolate of this.isolates) isolate.dispose();
    this.isolates.length = 0;
    this.wakeAll();
  }

  private take(key: string, memoryMb: number): WarmIsolate | undefined {
    this.prune();
    let idle: WarmIsolate | undefined;
    let ofKey = 0;
    for (const isolate of this.isolates) {
      if (isolate.key !== key) continue;
      ofKey++;
      if (!isolate.busy && (!idle || isolate.lastUsed > idle.lastUsed)) idle = isolate;
    }
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (ofKey >= this.limits.perKey) return undefined;
    if (this.isolates.length >= this.limits.isolates && !this.evictOne()) return undefined;
    const fresh = new WarmIsolate(key, memoryMb);
    fresh.busy = true;
    this.created++;
    this.isolates.push(fresh);
    return fresh;
  }

  private hasRoom(key: string): boolean {
    let ofKey = 0;
    for (const isolate of this.isolates) if (isolate.key === key) ofKey++;
    return ofKey < this.limits.perKey;
  }

  private evictOne(): boolean {
    let victim: WarmIsolate | undefined;
    for (const isolate of this.isolates) if (!isolate.busy && (!victim || isolate.lastUsed < victim.lastUsed)) victim = isolate;
    if (!victim) return false;
    victim.dispose();
    this.isolates.splice(this.isolates.indexOf(victim), 1);
    return true;
  }

  private prune(): void {
    for (let i = this.isolates.length - 1; i >= 0; i--) if (this.isolates[i].disposed) this.isolates.splice(i, 1);
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.wake();
  }
}
