/**
 * Local servers for network failures, on 127.0.0.1 only: one that accepts connections and never
 * responds, like a hung service, and the URL of a port that refuses connections.
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SilentServer {
  /** Base URL, such as http://127.0.0.1:40123. */
  readonly url: string;
  /** Connections accepted so far. Each request attempt that times out gives up its connection. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a TCP server that reads whatever it gets and never sends a byte. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Returns the URL of a port on 127.0.0.1 that refuses connections: the port of a server this
 * process started and closed again. Another process could take the port in between, which is
 * unlikely for the moment a test runs.
 */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return `http://127.0.0.1:${port}`;
}
