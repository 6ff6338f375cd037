import { Agent, request, type AgentOptions } from "node:https";

/** One keep-alive connection pool for one identity and one server, as kubectl keeps one. */
export interface KubeClient {
  /** e.g. https://127.0.0.1:PORT or https://HUB/k8s/CLUSTER */
  base: string;
  agent: Agent;
}

export function kubeClient(
  base: string,
  tls: Pick<AgentOptions, "ca" | "cert" | "key">,
  maxSockets = 64,
): KubeClient {
  return { base, agent: new Agent({ ...tls, keepAlive: true, maxSockets }) };
}

/** GET `path`, read the whole body; resolves with its size. Any status but 200 fails. */
export function getBody(client: KubeClient, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(client.base + path), { agent: client.agent }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => {
        if (res.statusCode === 200) resolve(bytes);
        else reject(new Error(`GET ${client.base}${path} answered ${String(res.statusCode)}`));
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** How long a watch may bring no new object before the bench says so and fails. */
const WATCH_STALL_MS = 60_000;

/** The wait `start` sets up, failed when `arrivals` stops growing for WATCH_STALL_MS. */
function stallBounded(
  arrivals: ReadonlyMap<string, number>,
  what: string,
  start: (done: () => void, fail: (error: Error) => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = arrivals.size;
    const check = () => {
      if (arrivals.size === seen) {
        reject(
          new Error(
            `${what}: nothing for ${String(WATCH_STALL_MS)} ms after ${String(seen)} events`,
          ),
        );
        return;
      }
      seen = arrivals.size;
      timer = setTimeout(check, WATCH_STALL_MS);
    };
    let timer = setTimeout(check, WATCH_STALL_MS);
    start(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** GET `path` as text. Any status but 200 fails. */
export function getText(client: KubeClient, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(client.base + path), { agent: client.agent }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`GET ${path} answered ${String(res.statusCode)}`));
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** GET `path` and parse the JSON body. Any status but 200 fails. */
export function getJson<T>(client: KubeClient, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(client.base + path), { agent: client.agent }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        if (res.statusCode === 200) resolve(JSON.parse(text) as T);
        else reject(new Error(`GET ${path} answered ${String(res.statusCode)}: ${text}`));
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A request with a JSON body; any status outside 2xx fails. */
export function sendJson(
  client: KubeClient,
  method: string,
  path: string,
  body: unknown,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(client.base + path),
      { agent: client.agent, method, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else reject(new Error(`${method} ${path} answered ${String(code)}`));
        });
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** The object's name in a watch event line, as the API server writes it. */
const NAME = /"metadata":\{"name":"([^"]+)"/;

export interface WatchStream {
  /** Arrival time (performance.now()) of each object's first event, by name. */
  arrivals: Map<string, number>;
  /** Resolves once `count` distinct objects have arrived. */
  received(count: number): Promise<void>;
  close(): void;
}

/** A watch on `path` (…?watch=true) that timestamps each event as its line arrives. */
export function watch(client: KubeClient, path: string): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const arrivals = new Map<string, number>();
    const waiters: { count: number; done: () => void; fail: (error: Error) => void }[] = [];
    let partial = "";
    const failAll = (why: string) => {
      for (const waiter of waiters.splice(0))
        waiter.fail(new Error(`watch ${path} on ${client.base}: ${why}`));
    };
    const req = request(new URL(client.base + path), { agent: client.agent }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`watch ${path} answered ${String(res.statusCode)}`));
        return;
      }
      res.setEncoding("utf8").on("data", (chunk: string) => {
        const now = performance.now();
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        // The name only, without parsing the event: a busy bench process reading slowly gets
        // its watch closed by the API server.
        for (const line of lines) {
          const name = NAME.exec(line)?.[1];
          if (name !== undefined && !arrivals.has(name)) arrivals.set(name, now);
        }
        for (const waiter of waiters.splice(0)) {
          if (arrivals.size >= waiter.count) waiter.done();
          else waiters.push(waiter);
        }
      });
      res.on("end", () => {
        failAll(`the server ended the watch after ${String(arrivals.size)} events`);
      });
      // A reset connection ends with 'close' and no 'end': without this a bench waited forever.
      res.on("close", () => {
        failAll(`the connection closed after ${String(arrivals.size)} events`);
      });
      resolve({
        arrivals,
        received: (count) =>
          arrivals.size >= count
            ? Promise.resolve()
            : stallBounded(arrivals, `watch ${path} on ${client.base}`, (done, fail) => {
                waiters.push({ count, done, fail });
              }),
        close: () => req.destroy(),
      });
    });
    req.on("error", (error) => {
      failAll(error.message);
      reject(error);
    });
    req.end();
  });
}
