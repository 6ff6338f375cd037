import { request } from "node:https";
import { setTimeout as delay } from "node:timers/promises";

export interface ClientTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const PROBE_TIMEOUT_MS = 2_000;
const PROBE_INTERVAL_MS = 100;

/** GET /readyz once; true on 200. */
export function probeReadyz(server: string, tls: ClientTls): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      new URL("/readyz", server),
      {
        ca: tls.caPem,
        cert: tls.certPem,
        key: tls.keyPem,
        timeout: PROBE_TIMEOUT_MS,
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => {
      resolve(false);
    });
    req.end();
  });
}

/**
 * Resolves "ready" once /readyz answers 200, or "exited" if the process exits first. Gives up
 * after timeoutMs with an error.
 */
export async function waitForApiServer(
  server: string,
  tls: ClientTls,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<"ready" | "exited"> {
  const processExited = new AbortController();
  const onExit = () => {
    processExited.abort();
  };
  exited.then(onExit, onExit);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processExited.signal.aborted) return "exited";
    if (await probeReadyz(server, tls)) return "ready";
    await delay(PROBE_INTERVAL_MS);
  }
  throw new Error(`kube-apiserver at ${server} was not ready within ${timeoutMs} ms`);
}
