import type { Agent } from "node:https";
import { request } from "node:https";

export interface Outcome {
  startedMs: number;
  endedMs: number;
  ok: boolean;
  error?: string;
}

/**
 * GET `url` as kubectl's Go transport does: keep-alive connections, and one retry when a
 * reused connection turns out dead before any answer (a replica that died under it).
 */
export function get(agent: Agent, url: string, retried = false): Promise<Outcome> {
  const startedMs = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => {
        resolve({ startedMs, endedMs: performance.now(), ok: res.statusCode === 200 });
      });
      res.on("error", (error) => {
        resolve({ startedMs, endedMs: performance.now(), ok: false, error: error.message });
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (req.reusedSocket && !retried && (error.code === "ECONNRESET" || error.code === "EPIPE")) {
        void get(agent, url, true).then((again) => {
          resolve({ ...again, startedMs });
        });
        return;
      }
      resolve({ startedMs, endedMs: performance.now(), ok: false, error: error.message });
    });
    req.end();
  });
}

/** `concurrency` loops of GETs over `urls` until stop() is called; resolves every outcome. */
export function runLoad(agent: Agent, urls: readonly string[], concurrency: number) {
  let running = true;
  const outcomes: Outcome[] = [];
  const worker = async (index: number) => {
    for (let i = index; running; i += concurrency) {
      outcomes.push(await get(agent, urls[i % urls.length] ?? ""));
    }
  };
  const workers = Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await workers;
      return outcomes;
    },
  };
}
