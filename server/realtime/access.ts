import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import { principalFromToken } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { Models } from '../db/models/index.js';
import type { AccessMessage, EventBus } from '../runtime/events.js';

/** What a socket carries from its handshake on. */
export interface SocketAccess {
  token: string;
  principal: Principal;
  /** Bumped on every access change that concerns the socket, so a subscribe racing one re-checks. */
  generation: number;
}

export const accessOf = (socket: Socket): SocketAccess => socket.data as SocketAccess;

/** Whether the principal may still read a joined room (`execution:<id>` or `flow:<id>`). */
export type RoomCheck = (principal: Principal, room: string) => Promise<boolean>;

const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Hangs up when the credential expires by itself (session lifetime, API key `expiresAt`). */
export function hangUpAtExpiry(socket: Socket): void {
  const expiresAt = accessOf(socket).principal.expiresAt;
  if (!expiresAt) return;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = expiresAt.getTime() - Date.now();
    if (left <= 0) return void socket.disconnect(true);
    timer = setTimeout(arm, Math.min(left, LONGEST_TIMER_MS));
    timer.unref();
  };
  arm();
  socket.once('disconnect', () => clearTimeout(timer));
}

const concerns = (p: Principal, m: AccessMessage): boolean =>
  (p.sessionId !== null && !!m.sessionIds?.includes(p.sessionId)) ||
  (p.apiKeyId !== null && !!m.apiKeyIds?.includes(p.apiKeyId)) ||
  !!m.userIds?.includes(p.actorUserId);

/**
 * Acts on access changes (the bus brings them from every process in queue mode): sockets of revoked
 * sessions, keys and removed users are closed at once; sockets of users whose role or sub-accounts
 * changed (and of their API keys) resolve their credential again and are closed when it no longer
 * works or no longer reaches a room they are in.
 */
export function enforceAccess(io: Server, deps: { models: Models; bus: EventBus; logger: Logger }, mayRead: RoomCheck) {
  async function recheck(socket: Socket): Promise<void> {
    const access = accessOf(socket);
    try {
      const principal = await principalFromToken(deps.models, access.token);
      if (!principal) return void socket.disconnect(true);
      access.principal = principal;
      for (const room of socket.rooms) {
        if (room !== socket.id && !(await mayRead(principal, room))) return void socket.disconnect(true);
      }
    } catch (err) {
      // Fail closed: the client may reconnect, and is checked afresh when it does.
      deps.logger.warn({ err }, 'socket access re-check failed; hanging up');
      socket.disconnect(true);
    }
  }

  const stop = deps.bus.onControl((message) => {
    if (message.type !== 'access') return;
    for (const socket of io.of('/').sockets.values()) {
      const access = accessOf(socket);
      if (!access.principal || !concerns(access.principal, message)) continue;
      access.generation += 1;
      if (message.reason === 'revoked') socket.disconnect(true);
      else void recheck(socket);
    }
  });
  return { recheck, stop };
}
