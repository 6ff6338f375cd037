import type { ProxyCall } from "./proxy-call.js";
import type { KubeRefusal } from "./kube-refusal.js";

/** How long a client gets to take the hub's last words before its connection is cut. */
const FINAL_WRITE_GRACE_MS = 1000;

interface Closable {
  destroy(): void;
  once(event: "close", listener: () => void): unknown;
  readonly destroyed: boolean;
}

export interface AbortEnding {
  /** True once the request was ended by the abort: the relay writes nothing more. */
  readonly done: boolean;
  /** Stops listening; the relay calls it when it ends on its own. */
  dispose(): void;
}

/**
 * When the request's signal aborts (its user's access ended): the agent's stream is cancelled,
 * `finish` writes the refusal the way the stream allows, and a client that does not take it
 * within a second is cut off, so the session ends within a second either way.
 */
export function endOnAbort(
  signal: AbortSignal,
  call: ProxyCall,
  client: Closable,
  finish: (refusal: KubeRefusal) => void,
): AbortEnding {
  const state: { done: boolean; dispose: () => void } = { done: false, dispose: () => undefined };
  const onAbort = () => {
    state.done = true;
    call.cancel();
    finish(signal.reason as KubeRefusal);
    if (client.destroyed) return;
    const cut = setTimeout(() => {
      client.destroy();
    }, FINAL_WRITE_GRACE_MS);
    cut.unref();
    client.once("close", () => {
      clearTimeout(cut);
    });
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  state.dispose = () => {
    signal.removeEventListener("abort", onAbort);
  };
  return state;
}
