import { io, type Socket } from 'socket.io-client';
import type { TestServer } from './server.js';

/** One `execution:event` message, as CONTRACT §8 describes it. */
export interface LiveEvent {
  type: string;
  executionId: string;
  flowId: string;
  nodeId?: string;
  status: string;
  attempt?: number;
  output?: unknown;
  error?: { message: string; code?: string; retryable?: boolean } | null;
  at: string;
  [extra: string]: unknown;
}

export interface SubscribeAnswer {
  ok: boolean;
  error?: string;
}

/** A signed-in editor tab listening to live execution status. */
export interface LiveClient {
  socket: Socket;
  /** Every message received so far, in arrival order. */
  events: LiveEvent[];
  subscribe(payload: unknown): Promise<SubscribeAnswer>;
  /** The messages of one execution, in arrival order. */
  of(executionId: string): LiveEvent[];
  /** Resolves once a message matching the predicate has arrived (or already had). */
  waitFor(predicate: (event: LiveEvent) => boolean, timeoutMs?: number): Promise<LiveEvent>;
  /** Resolves with an execution's messages once its `execution.finished` has arrived. */
  finished(executionId: string, timeoutMs?: number): Promise<LiveEvent[]>;
  close(): void;
}

const options = (token: string | undefined) => ({
  path: '/socket.io',
  transports: ['websocket'],
  reconnection: false,
  forceNew: true,
  ...(token === undefined ? {} : { auth: { token } }),
});

/** Connects with a token; rejects with the server's reason when the handshake is refused. */
export function connectLive(server: TestServer, token: string): Promise<LiveClient> {
  const socket = io(server.url, options(token));
  const events: LiveEvent[] = [];
  const listeners = new Set<() => void>();
  socket.on('execution:event', (event: LiveEvent) => {
    events.push(event);
    for (const listener of listeners) listener();
  });

  const client: LiveClient = {
    socket,
    events,
    subscribe: (payload) => socket.timeout(5_000).emitWithAck('subscribe', payload),
    of: (executionId) => events.filter((e) => e.executionId === executionId),
    waitFor(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return;
          finish();
          resolve(found);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no matching live event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => [e.type, e.nodeId]))}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async finished(executionId, timeoutMs) {
      await client.waitFor((e) => e.executionId === executionId && e.type === 'execution.finished', timeoutMs);
      return client.of(executionId);
    },
    close: () => void socket.disconnect(),
  };

  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
  });
}

/** Tries to connect and resolves with the reason the server refused (fails if it accepted). */
export function refusedConnection(server: TestServer, token: string | undefined): Promise<string> {
  const socket = io(server.url, options(token));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('the server accepted the connection'));
    });
    socket.once('connect_error', (err) => {
      socket.disconnect();
      resolve(err.message);
    });
  });
}

/** What a run looks like from the outside: each message reduced to its type and node. */
export const timeline = (events: LiveEvent[]): string[] => events.map((e) => (e.nodeId ? `${e.type} ${e.nodeId}` : e.type));
