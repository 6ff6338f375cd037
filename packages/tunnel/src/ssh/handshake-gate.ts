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

  /**
   * `limit` turns at once, each held at most `turnMs` milliseconds: past it, the handshake
   * goes on outside the gate, so a few that stall cannot keep every other one waiting.
   */
  constructor(
    private readonly limit: number,
    private readonly turnMs: number,
  ) {}

  /** How many handshakes wait for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Runs `start` now or when a turn frees; returns the function that ends this turn (call it
   * when the handshake succeeded or its connection closed, even if it waited; more calls, or a
   * call after the turn ran out, do nothing).
   */
  admit(start: () => void): () => void {
    let state: "waiting" | "running" | "done" = "waiting";
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      if (state === "running") {
        clearTimeout(timer);
        this.running -= 1;
        this.next();
      }
      state = "done";
    };
    const run = () => {
      if (state !== "waiting") return;
      state = "running";
      this.running += 1;
      timer = setTimeout(end, this.turnMs);
      timer.unref();
      start();
    };
    if (this.running < this.limit) run();
    else this.queue.push(run);
    return end;
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
