import { randomUUID } from 'node:crypto';
import type { ControlMessage, EventBus } from './events.js';

/** Longest a caller may listen (CONTRACT §5). */
export const MAX_LISTEN_MS = 120_000;
/** A listen is announced again this often, and lapses unannounced after LAPSE_MS (a process that died). */
const ANNOUNCE_MS = 5_000;
const LAPSE_MS = 15_000;
/** How long the process a request landed on waits for the listener to start its test execution. */
const OFFER_WAIT_MS = 10_000;

/** A trigger someone listens to: a webhook (by its token) or a GoHighLevel trigger. */
export interface ListenTarget {
  flowId: string;
  subaccountId: string;
  nodeId: string;
  kind: 'webhook' | 'ghl';
  token?: string | null;
}

export interface Heard {
  sample: unknown;
  executionId: string;
}

export type ListenMessage =
  | { type: 'listen'; listenId: string; target: ListenTarget; until: number }
  | { type: 'unlisten'; listenId: string }
  /** A request or event reached a listened trigger; with `executionId` it already started a (production) execution. */
  | { type: 'listen.sample'; listenId: string; requestId: string; sample: unknown; executionId?: string }
  /** `busy`: the listener could not start the test execution now (a full backlog); the listen goes on. */
  | { type: 'listen.reply'; requestId: string; executionId: string | null; busy?: boolean };

/** What became of a request offered to a listener. */
export type Offered = { executionId: string } | { refused: 'nobody' | 'busy' };

interface Waiting {
  target: ListenTarget;
  /** Starts the test execution with the sample; answers its id. */
  start(sample: unknown): Promise<string>;
  settle(heard: Heard | null): void;
  taken: boolean;
}

/**
 * "Listen for a test event" across processes (CONTRACT §5). The listening process announces on the bus
 * which trigger it waits on; every process keeps those announcements, so a webhook request or GoHighLevel
 * event that lands anywhere, for an inactive flow too, is offered to the listener. The listener takes the
 * first offer only (it is one process: no race), starts the test execution and answers its id, which the
 * process holding the request returns to the sender. In inline mode the bus is this process alone.
 */
export class TestListening {
  private readonly announced = new Map<string, { target: ListenTarget; until: number }>();
  private readonly byToken = new Map<string, string>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly replies = new Map<string, (offered: Offered) => void>();
  private readonly off: () => void;

  constructor(private readonly bus: EventBus) {
    this.off = bus.onControl((message) => this.receive(message));
  }

  /**
   * Waits for the next request or event the target receives: resolves with the sample and the id of the
   * execution it started, or null at the timeout or when `signal` aborts (the caller went away).
   */
  listen(target: ListenTarget, start: Waiting['start'], timeoutMs: number, signal: AbortSignal): Promise<Heard | null> {
    const listenId = randomUUID();
    return new Promise((resolve) => {
      const announce = () => this.send({ type: 'listen', listenId, target, until: Date.now() + LAPSE_MS });
      const heartbeat = setInterval(announce, ANNOUNCE_MS);
      heartbeat.unref();
      const timer = setTimeout(() => settle(null), Math.min(timeoutMs, MAX_LISTEN_MS));
      const onAbort = () => settle(null);
      const settle = (heard: Heard | null) => {
        if (!this.waiting.delete(listenId)) return;
        clearInterval(heartbeat);
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.send({ type: 'unlisten', listenId });
        resolve(heard);
      };
      this.waiting.set(listenId, { target, start, settle, taken: false });
      signal.addEventListener('abort', onAbort, { once: true });
      announce();
      if (signal.aborted) settle(null);
    });
  }

  /** The listen on this webhook token, if anyone listens (a map lookup: webhook intake asks on every unknown token). */
  forToken(token: string): string | undefined {
    const listenId = this.byToken.get(token);
    return listenId && this.live(listenId) ? listenId : undefined;
  }

  /** The listen on this trigger node, if any. */
  forNode(flowId: string, nodeId: string): string | undefined {
    for (const [listenId, { target }] of this.announced) if (target.flowId === flowId && target.nodeId === nodeId && this.live(listenId)) return listenId;
    return undefined;
  }

  /** Every GoHighLevel trigger someone listens to (the event processor matches events against them too). */
  ghlTargets(): { listenId: string; target: ListenTarget }[] {
    return [...this.announced].filter(([id, { target }]) => target.kind === 'ghl' && this.live(id)).map(([listenId, { target }]) => ({ listenId, target }));
  }

  get listening(): boolean {
    return this.announced.size > 0;
  }

  /**
   * Hands a sample for an inactive flow to its listener, which starts the test execution: resolves with
   * its id, or why not: `nobody` took it (the listen ended meanwhile, or another request came first), or
   * the listener is `busy` (it could not start it now, and listens on).
   */
  offer(listenId: string, sample: unknown): Promise<Offered> {
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => done({ refused: 'nobody' }), OFFER_WAIT_MS);
      const done = (offered: Offered) => {
        clearTimeout(timer);
        this.replies.delete(requestId);
        resolve(offered);
      };
      this.replies.set(requestId, done);
      this.send({ type: 'listen.sample', listenId, requestId, sample });
    });
  }

  /** Tells the listener of an active flow's trigger what its production execution received. */
  observed(listenId: string, sample: unknown, executionId: string): void {
    this.send({ type: 'listen.sample', listenId, requestId: randomUUID(), sample, executionId });
  }

  /** Ends every listen of this process (shutdown). */
  close(): void {
    for (const waiting of [...this.waiting.values()]) waiting.settle(null);
    this.off();
  }

  private live(listenId: string): boolean {
    const entry = this.announced.get(listenId);
    if (entry && entry.until > Date.now()) return true;
    if (entry) this.forget(listenId);
    return false;
  }

  private forget(listenId: string): void {
    const entry = this.announced.get(listenId);
    if (entry?.target.token && this.byToken.get(entry.target.token) === listenId) this.byToken.delete(entry.target.token);
    this.announced.delete(listenId);
  }

  private send(message: ListenMessage): void {
    this.bus.control(message);
  }

  private receive(message: ControlMessage): void {
    switch (message.type) {
      case 'listen':
        // Listens of processes that stopped without saying so lapse here, so the map stays as small as the live ones.
        for (const id of [...this.announced.keys()]) this.live(id);
        this.announced.set(message.listenId, { target: message.target, until: message.until });
        if (message.target.token) this.byToken.set(message.target.token, message.listenId);
        return;
      case 'unlisten':
        this.forget(message.listenId);
        return;
      case 'listen.reply':
        this.replies.get(message.requestId)?.(message.executionId ? { executionId: message.executionId } : { refused: message.busy ? 'busy' : 'nobody' });
        return;
      case 'listen.sample':
        void this.take(message);
        return;
      default:
        return;
    }
  }

  /** On the listening process: the first sample is the one; later ones are refused. */
  private async take(message: Extract<ListenMessage, { type: 'listen.sample' }>): Promise<void> {
    const waiting = this.waiting.get(message.listenId);
    const reply = (executionId: string | null, busy = false) => this.send({ type: 'listen.reply', requestId: message.requestId, executionId, ...(busy ? { busy } : {}) });
    if (!waiting) return; // another process's listen
    if (waiting.taken) {
      if (!message.executionId) reply(null);
      return;
    }
    waiting.taken = true;
    if (message.executionId) {
      waiting.settle({ sample: message.sample, executionId: message.executionId });
      return;
    }
    try {
      const executionId = await waiting.start(message.sample);
      reply(executionId);
      waiting.settle({ sample: message.sample, executionId });
    } catch {
      waiting.taken = false;
      reply(null, true);
    }
  }
}
