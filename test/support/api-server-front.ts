import { once } from "node:events";
import { request, createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";

import { kubeStatus } from "@warren/kube";

import { writeKubeconfig, type TestCluster } from "../k8s/index.js";
import type { AgentNamespace } from "./agent-in-cluster.js";

/** How the front answers: as the API server does, or with one of the failures it can have. */
export type FrontMode = "pass" | "readyz-failing" | "ssar-forbidden" | "autopilot";

const SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const FAILING_READYZ =
  "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\nreadyz check failed\n";

export const AUTOPILOT_VERSION = "v1.32.0-gke.1014001";

const AUTOPILOT_GROUP_VERSION = { groupVersion: "auto.gke.io/v1", version: "v1" };

/** What GKE Autopilot's API server answers where it differs from ours. */
const AUTOPILOT_SAYS: Record<string, object> = {
  "/version": { major: "1", minor: "32", gitVersion: AUTOPILOT_VERSION, platform: "linux/amd64" },
  "/apis/auto.gke.io": {
    kind: "APIGroup",
    apiVersion: "v1",
    name: "auto.gke.io",
    versions: [AUTOPILOT_GROUP_VERSION],
    preferredVersion: AUTOPILOT_GROUP_VERSION,
  },
};

/**
 * A TLS front for the real API server that relays every request as it came (the caller's own
 * token included), except what its mode makes fail: /readyz answering 500 with a verbose
 * report, SelfSubjectAccessReviews refused, or, as GKE Autopilot does, any impersonation of
 * system:masters denied. Stopped, it refuses connections, as an API server that is down does.
 */
export class ApiServerFront {
  mode: FrontMode = "pass";
  private server: Server | undefined;
  private port = 0;

  constructor(
    private readonly upstream: URL,
    private readonly tls: { certPem: string; keyPem: string; caPem: string },
  ) {}

  get url(): string {
    return `https://127.0.0.1:${String(this.port)}`;
  }

  /** Listens (again, on the same port after a stop). */
  async start(): Promise<void> {
    const server = createServer({ cert: this.tls.certPem, key: this.tls.keyPem }, (req, res) => {
      this.handle(req, res);
    });
    server.listen(this.port, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? "/";
    if (this.mode === "autopilot") {
      this.autopilot(req, res, path);
      return;
    }
    if (this.mode === "readyz-failing" && path.startsWith("/readyz")) {
      res.writeHead(500, { "content-type": "text/plain" }).end(FAILING_READYZ);
      return;
    }
    if (this.mode === "ssar-forbidden" && path.startsWith(SSAR_PATH)) {
      const status = kubeStatus(403, "selfsubjectaccessreviews.authorization.k8s.io is forbidden");
      res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify(status));
      return;
    }
    this.relay(req, res, path);
  }

  /**
   * GKE Autopilot as its API server shows itself: a "-gke." version and its own API group,
   * auto.gke.io; and its admission: requests impersonating system:masters are refused.
   */
  private autopilot(req: IncomingMessage, res: ServerResponse, path: string): void {
    const shown = AUTOPILOT_SAYS[path.split("?")[0] ?? ""];
    if (shown) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(shown));
      return;
    }
    const groups = [req.headers["impersonate-group"] ?? []].flat();
    if (groups.includes("system:masters")) {
      const status = kubeStatus(
        403,
        'GKE Autopilot denies requests that impersonate "system:masters" group',
      );
      res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify(status));
      return;
    }
    if (!path.startsWith(SSAR_PATH)) {
      this.relay(req, res, path);
      return;
    }
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const review = JSON.parse(body) as {
        spec: { resourceAttributes: { verb?: string; resource?: string; name?: string } };
      };
      const asked = review.spec.resourceAttributes;
      if (
        asked.verb === "impersonate" &&
        asked.resource === "groups" &&
        asked.name === "system:masters"
      ) {
        const answer = {
          ...review,
          status: { allowed: false, denied: true, reason: "GKE Autopilot" },
        };
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(answer));
        return;
      }
      this.relay(req, res, path, body);
    });
  }

  private relay(req: IncomingMessage, res: ServerResponse, path: string, body?: string): void {
    const upstream = request(
      new URL(path, this.upstream),
      {
        method: req.method,
        headers: { ...req.headers, host: this.upstream.host },
        ca: this.tls.caPem,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    if (body === undefined) req.pipe(upstream);
    else upstream.end(body);
  }
}

/**
 * A front started for `cluster`'s API server, and the agent namespace's kubeconfig pointed at
 * it (the ServiceAccount's own token): an agent given it reaches the cluster only through the
 * front.
 */
export async function frontForAgent(
  cluster: TestCluster,
  where: AgentNamespace,
  dir: string,
): Promise<{ front: ApiServerFront; where: AgentNamespace }> {
  const front = new ApiServerFront(new URL(cluster.server), {
    ...(await cluster.loopbackServerCertificate()),
    caPem: cluster.caPem,
  });
  await front.start();
  const kubeconfig = await writeKubeconfig(join(dir, `${where.namespace}-front.kubeconfig`), {
    server: front.url,
    caPem: cluster.caPem,
    userName: "warren-agent",
    credentials: { token: await cluster.mintServiceAccountToken(where.namespace, "warren-agent") },
    namespace: where.namespace,
  });
  return { front, where: { ...where, kubeconfig } };
}
