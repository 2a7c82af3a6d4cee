// A round-robin TCP load balancer on 127.0.0.1, as a bridge deployment would sit behind: each
// client connection goes to the next backend that accepts it; when a backend's side closes (its
// process died), the client's connection closes too, and the client's next connection goes to
// another backend.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Balancer {
  port: number;
  /** Backend ports; replace the list to add or drop backends. */
  backends: number[];
  /** Open client connections per backend port. */
  open(backend: number): number;
  /** Client connections a backend has taken so far. */
  served(backend: number): number;
  /** Cut every open connection, as a network that goes away does. */
  dropClients(): void;
  close(): Promise<void>;
}

/** A balancer on `port` (0: any free port) over `backends`. */
export async function startBalancer(backends: number[], port = 0): Promise<Balancer> {
  const live = new Map<number, Set<Socket>>();
  const served = new Map<number, number>();
  const clients = new Set<Socket>();
  let next = 0;
  const balancer: Balancer = {
    port: 0,
    backends,
    open: (backend) => live.get(backend)?.size ?? 0,
    served: (backend) => served.get(backend) ?? 0,
    dropClients: () => {
      for (const socket of clients) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of clients) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((client) => {
    clients.add(client);
    client.pause();
    client.on('error', () => {});
    client.on('close', () => clients.delete(client));
    const tryBackend = (tries: number) => {
      if (tries >= balancer.backends.length || client.destroyed) return client.destroy();
      const port = balancer.backends[next++ % balancer.backends.length]!;
      const upstream = connect(port, '127.0.0.1');
      upstream.once('error', () => tryBackend(tries + 1)); // refused: the next one
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        const set = live.get(port) ?? new Set();
        live.set(port, set);
        set.add(client);
        served.set(port, (served.get(port) ?? 0) + 1);
        client.on('close', () => set.delete(client));
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  balancer.port = (server.address() as { port: number }).port;
  return balancer;
}
