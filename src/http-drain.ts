// Graceful shutdown of the HTTP server: stop accepting connections, let every request in flight
// finish, and tell each keep-alive client, with its last response, that the connection closes, so
// no client sends a request on a connection we are about to cut.
import type { Server, ServerResponse } from 'node:http';

export type Drain = {
  /** Responses not yet finished. */
  readonly inFlight: number;
  /** Resolves once every connection is closed (each in-flight request answered with `Connection: close`). */
  drain(): Promise<void>;
};

export function drainable(server: Server): Drain {
  const open = new Set<ServerResponse>();
  let draining = false;
  const closeWhenIdle = () => setImmediate(() => server.closeIdleConnections());
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      open.delete(res);
      // A response whose headers left before shutdown began could not say `Connection: close`;
      // its connection is idle now and is closed rather than left for the keep-alive timeout.
      if (draining) closeWhenIdle();
    });
  });
  return {
    get inFlight() {
      return open.size;
    },
    drain() {
      draining = true;
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Connections between requests are closed now; busy ones close after their response.
        server.closeIdleConnections();
      });
    },
  };
}
