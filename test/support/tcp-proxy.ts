import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A loopback TCP proxy that can go silent: frozen, it stops moving bytes both ways and holds
 * back closes too, so neither end learns anything of the other, as a network that drops
 * packets would (a half-open connection).
 */
export class TcpProxy {
  private readonly server = createServer((client) => {
    this.accept(client);
  });
  private readonly pairs = new Set<[Socket, Socket]>();
  private frozen = false;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    proxy.server.listen(0, "127.0.0.1");
    await once(proxy.server, "listening");
    return proxy;
  }

  get addr(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private accept(client: Socket): void {
    const upstream = connect(this.target);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const forward = (from: Socket, to: Socket) => {
      from.on("data", (chunk: Buffer) => {
        if (!this.frozen) to.write(chunk);
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    // A close is passed on only while the proxy moves bytes: once frozen, the other end must
    // find out by itself (keepalives), as it would behind a dead network.
    const close = () => {
      if (this.frozen) return;
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  }

  /** Drops every byte from now on, without closing anything. */
  freeze(): void {
    this.frozen = true;
  }

  /** Moves bytes again for new connections; the frozen ones are cut, as a dead path would be. */
  thaw(): void {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    this.frozen = false;
  }

  async close(): Promise<void> {
    this.thaw();
    this.server.close();
    await once(this.server, "close");
  }
}
