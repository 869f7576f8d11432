import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { principalFromToken } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { Tenancy } from '../auth/tenancy.js';
import type { Models } from '../db/models/index.js';
import type { EventBus } from '../runtime/events.js';
import { isId } from '../db/columns.js';
import { accessOf, enforceAccess, hangUpAtExpiry, type SocketAccess } from './access.js';

type Ack = (answer: { ok: boolean; error?: string }) => void;

/** A subscription the caller may not have: its message is theirs to read (anything else is ours). */
class RefusedError extends Error {}

/**
 * Live execution events (CONTRACT §8). Every process's bus sees every execution's events (through the
 * Redis bridge in queue mode), so each web process emits to its own sockets only (`io.local`).
 */
export function attachRealtime(server: HttpServer, deps: { models: Models; tenancy: Tenancy; bus: EventBus; publicUrl: string; logger: Logger }): Server {
  const io = new Server(server, { path: '/socket.io', cors: { origin: deps.publicUrl, credentials: true }, serveClient: false });

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown })?.token;
    if (typeof token !== 'string') return next(new Error('unauthorized: pass auth: {token}'));
    principalFromToken(deps.models, token)
      .then((principal) => {
        if (!principal) return next(new Error('unauthorized: the token is not valid'));
        const access: SocketAccess = { token, principal, generation: 0 };
        Object.assign(socket.data, access);
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });

  /** The room an id names (`execution:<id>` or `flow:<id>`), without looking it up. */
  function roomName(payload: unknown): { name: string; id: string; kind: 'execution' | 'flow' } {
    const { executionId, flowId } = (payload ?? {}) as { executionId?: unknown; flowId?: unknown };
    const [kind, raw] = typeof executionId === 'string' ? (['execution', executionId] as const) : (['flow', flowId] as const);
    if (!isId(raw)) throw new RefusedError('send {executionId} or {flowId}');
    // Events carry ids in lower case: a room named otherwise would never receive anything.
    const id = raw.toLowerCase();
    return { name: `${kind}:${id}`, id, kind };
  }

  /** Whether the principal may read what an execution or flow id names; `gone` when nothing has that id (any more). */
  async function reach(principal: Principal, kind: 'execution' | 'flow', id: string): Promise<'yes' | 'no' | 'gone'> {
    const row =
      kind === 'execution'
        ? await deps.models.Execution.findByPk(id, { attributes: ['subaccountId'] })
        : await deps.models.Flow.findByPk(id, { attributes: ['subaccountId'] });
    if (!row) return 'gone';
    return deps.tenancy.subaccount(principal, row.subaccountId, 'read').then(
      () => 'yes' as const,
      () => 'no' as const,
    );
  }

  /** The room, once the caller may read what it is about. Another tenant's id is answered like a missing one. */
  async function readableRoom(principal: Principal, payload: unknown): Promise<string> {
    const { name, id, kind } = roomName(payload);
    if ((await reach(principal, kind, id)) !== 'yes') throw new RefusedError('not found');
    return name;
  }

  // A joined room stays fine unless its object is still there and out of reach (a deleted flow sends nothing more).
  const access = enforceAccess(io, deps, async (principal, room) => {
    const [kind, id] = room.split(':');
    return (kind !== 'execution' && kind !== 'flow') || (await reach(principal, kind, id)) !== 'no';
  });

  io.on('connection', (socket) => {
    hangUpAtExpiry(socket);

    const answer = (ack: unknown): Ack => (typeof ack === 'function' ? (ack as Ack) : () => undefined);
    const refuse = (reply: Ack) => (err: unknown) => {
      if (!(err instanceof RefusedError)) deps.logger.warn({ err }, 'socket (un)subscribe failed');
      reply({ ok: false, error: err instanceof RefusedError ? err.message : 'something went wrong on our side, try again' });
    };

    socket.on('subscribe', (payload: unknown, ack?: Ack) => {
      const reply = answer(ack);
      // The credential is checked on every subscribe: a logout or a removed membership takes effect at once.
      const state = accessOf(socket);
      const generation = state.generation;
      principalFromToken(deps.models, state.token)
        .then(async (principal) => {
          if (!principal) {
            reply({ ok: false, error: 'unauthorized: the token is no longer valid' });
            setImmediate(() => socket.disconnect(true));
            return;
          }
          state.principal = principal;
          await socket.join(await readableRoom(principal, payload));
          // Access changed while this subscribe was on its way: check the joined rooms against the new state.
          if (state.generation !== generation) await access.recheck(socket);
          reply({ ok: true });
        })
        .catch(refuse(reply));
    });

    // Leaving needs no permission (and must work for a flow deleted meanwhile).
    socket.on('unsubscribe', (payload: unknown, ack?: Ack) => {
      const reply = answer(ack);
      Promise.resolve()
        .then(() => socket.leave(roomName(payload).name))
        .then(() => reply({ ok: true }))
        .catch(refuse(reply));
    });
  });

  const rooms = io.of('/').adapter.rooms;
  deps.bus.on((event) => {
    const executionRoom = `execution:${event.executionId}`;
    const flowRoom = `flow:${event.flowId}`;
    // Most executions have nobody watching: skip encoding a packet for no one.
    if (!rooms.has(executionRoom) && !rooms.has(flowRoom)) return;
    const { subaccountId: _tenant, ...message } = event;
    io.local.to(executionRoom).to(flowRoom).emit('execution:event', message);
  });
  return io;
}
