import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

interface Backend {
  host: string;
  port: number;
}

/**
 * A loopback TCP load balancer: each connection goes to the next backend in turn, and to the
 * one after when that refuses, as a cloud load balancer's health check would steer it.
 */
export class TcpBalancer {
  private readonly server = createServer((client) => {
    this.accept(client, this.turn++, 0);
  });
  private readonly sockets = new Set<Socket>();
  private turn = 0;

  private constructor(private backends: Backend[]) {}

  static async start(backends: Backend[]): Promise<TcpBalancer> {
    const balancer = new TcpBalancer(backends);
    balancer.server.listen(0, "127.0.0.1");
    await once(balancer.server, "listening");
    return balancer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  setBackends(backends: Backend[]): void {
    this.backends = backends;
  }

  /** Tries the backends in turn from `first`, each once, until one takes the connection. */
  private accept(client: Socket, first: number, tried: number): void {
    const backend = this.backends[(first + tried) % this.backends.length];
    if (!backend || tried >= this.backends.length) {
      client.destroy();
      return;
    }
    const upstream = connect(backend);
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
      upstream.setNoDelay(true);
      client.setNoDelay(true);
      client.pipe(upstream).pipe(client);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once("close", () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
    });
    client.on("error", () => undefined);
    upstream.on("error", () => {
      // Refused: that backend is down, the next one gets this client. Later: just close.
      if (!connected && !client.destroyed) this.accept(client, first, tried + 1);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, "close");
  }
}
