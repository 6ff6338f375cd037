/**
 * Lets at most `limit` SSH handshakes run at once; the rest wait, and the newest goes next.
 *
 * After a hub restart every agent dials within seconds. Started together, thousands of
 * handshakes share the CPU, all finish late, many past their timeouts, and the agents redial
 * and start over: the hub spends its time on handshakes it then throws away. Gated, each runs
 * at full speed. Newest first because an agent gives up on a connection after a while: the
 * one that waited longest is the likeliest to be gone before its handshake ends, and one that
 * gave up while waiting costs nothing when its turn comes.
 */
export class HandshakeGate {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** How many handshakes wait for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Runs `start` now or when a turn frees; returns the function that ends this turn (call it
   * exactly once, when the handshake succeeded or its connection closed, even if it waited).
   */
  admit(start: () => void): () => void {
    let state: "waiting" | "running" | "done" = "waiting";
    const run = () => {
      if (state !== "waiting") return;
      state = "running";
      this.running += 1;
      start();
    };
    if (this.running < this.limit) run();
    else this.queue.push(run);
    return () => {
      if (state === "running") {
        this.running -= 1;
        this.next();
      }
      state = "done";
    };
  }

  private next(): void {
    while (this.running < this.limit) {
      const run = this.queue.pop();
      if (!run) return;
      // A turn whose connection closed while waiting is already "done" and starts nothing.
      run();
    }
  }
}
