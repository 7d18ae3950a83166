import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withRequestId } from './request-context.js';
import type { FrameworkServer } from './types.js';

/**
 * Wraps a Node request listener (Express app, Koa callback) into a {@link FrameworkServer}
 * with graceful close: stop accepting, close idle keep-alive sockets, wait for in-flight
 * requests up to the grace period, then cut what is left. Every request gets its id
 * (`withRequestId`: the `X-Request-Id` answer header and the `reqId` of its log lines).
 */
export function createNodeServer(listener: RequestListener): FrameworkServer {
  const server: Server = createServer(withRequestId(listener));
  return {
    listen: (port, host) => listenOn(server, port, host),
    close: (graceMs) => closeGracefully(server, graceMs),
  };
}

/** Listens and resolves the bound address. */
export function listenOn(server: Server, port: number, host: string): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({ host: address.address, port: address.port });
    });
  });
}

/** Graceful close of a Node HTTP server. */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
