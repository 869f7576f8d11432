import type { Server } from 'node:http';

/** Stops accepting connections and waits for in-flight requests; idle keep-alive connections close at once. */
export function stopListening(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
