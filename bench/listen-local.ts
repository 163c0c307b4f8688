import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts a bench server on 127.0.0.1 (port 0: a free one) with a deep accept backlog, so that a
 * burst of connections is queued rather than refused. `close` drops every connection, then runs
 * `release` (the server's agent, its database) before the server stops.
 */
export async function listenLocal(server: Server, port = 0, release: () => void = () => {}): Promise<{ port: number; close(): Promise<void> }> {
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', 4096, r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      release();
      server.close(() => r());
    }),
  };
}
