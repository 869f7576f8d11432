import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { principalFromToken } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { Tenancy } from '../auth/tenancy.js';
import type { Models } from '../db/models/index.js';
import type { EventBus } from '../runtime/events.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Ack = (answer: { ok: boolean; error?: string }) => void;

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
        socket.data.principal = principal;
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });

  async function room(principal: Principal, payload: unknown): Promise<string> {
    const { executionId, flowId } = (payload ?? {}) as { executionId?: unknown; flowId?: unknown };
    const id = typeof executionId === 'string' ? executionId : typeof flowId === 'string' ? flowId : null;
    if (!id || !UUID.test(id)) throw new Error('send {executionId} or {flowId}');
    const row =
      typeof executionId === 'string'
        ? await deps.models.Execution.findByPk(id, { attributes: ['subaccountId'] })
        : await deps.models.Flow.findByPk(id, { attributes: ['subaccountId'] });
    // Another tenant's id is answered like a missing one.
    if (!row) throw new Error('not found');
    await deps.tenancy.subaccount(principal, row.subaccountId, 'read').catch(() => {
      throw new Error('not found');
    });
    return typeof executionId === 'string' ? `execution:${id}` : `flow:${id}`;
  }

  io.on('connection', (socket) => {
    const principal = socket.data.principal as Principal;
    for (const [event, join] of [
      ['subscribe', true],
      ['unsubscribe', false],
    ] as const) {
      socket.on(event, (payload: unknown, ack?: Ack) => {
        const reply: Ack = typeof ack === 'function' ? ack : () => undefined;
        room(principal, payload)
          .then(async (name) => {
            if (join) await socket.join(name);
            else await socket.leave(name);
            reply({ ok: true });
          })
          .catch((err: Error) => reply({ ok: false, error: err.message }));
      });
    }
  });

  deps.bus.on((event) => {
    const { subaccountId: _tenant, ...message } = event;
    io.local.to(`execution:${event.executionId}`).to(`flow:${event.flowId}`).emit('execution:event', message);
  });
  return io;
}
