import { io, type Socket } from 'socket.io-client';
import { storedToken } from './client';
import type { ExecutionEvent } from './types';

/** Live events of one flow's executions (CONTRACT §8); returns a function that hangs up. */
export function subscribeFlow(flowId: string, onEvent: (event: ExecutionEvent) => void, onError: (message: string) => void): () => void {
  const socket: Socket = io({ path: '/socket.io', auth: { token: storedToken() }, transports: ['websocket'] });
  socket.on('connect', () => {
    socket.emit('subscribe', { flowId }, (answer: { ok: boolean; error?: string }) => {
      if (!answer?.ok) onError(`Live status is unavailable: ${answer?.error ?? 'refused'}.`);
    });
  });
  socket.on('connect_error', (err) => onError(`Live status is unavailable: ${err.message}.`));
  socket.on('execution:event', onEvent);
  return () => {
    socket.disconnect();
  };
}
