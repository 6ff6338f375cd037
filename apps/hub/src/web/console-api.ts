import type { IncomingMessage, ServerResponse } from "node:http";

import type {
  AgentsResponse,
  AuditResponse,
  ClustersResponse,
  MeResponse,
  RecordingEventsResponse,
  RecordingsResponse,
} from "@warren/console";
import type { HubStore } from "@warren/store";

import { auditEvent } from "../audit/audit-event.js";
import type { AuditWriter } from "../audit/audit-writer.js";
import { listClusterInfos } from "../admin/cluster-infos.js";
import { reachableClusters } from "../kube/cluster-directory.js";
import { decodeEvents } from "../recording/recorded-event.js";
import type { AgentRegistry } from "../tunnel/agent-registry.js";
import { consoleCaller, type ConsoleCaller, type ConsoleCallerDeps } from "./console-caller.js";
import { consoleKubeconfig, type ConsoleKubeEndpoint } from "./console-kubeconfig.js";
import { ConsoleRefusal } from "./console-refusal.js";
import { agentViews, auditView, clusterView, recordingView } from "./console-views.js";

export interface ConsoleApiDeps extends ConsoleCallerDeps {
  store: HubStore;
  registry: AgentRegistry;
  audit: AuditWriter;
  kubeEndpoint: () => ConsoleKubeEndpoint;
}

const MAX_LIMIT = 1000;
/** A recording the console plays in one piece; longer ones are for warrenctl. */
const MAX_PLAYBACK_BYTES = 64 * 1024 * 1024;

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    })
    .end(JSON.stringify(body));
}

function requireAdmin(caller: ConsoleCaller): void {
  if (!caller.admin) {
    throw new ConsoleRefusal(
      403,
      `this page is for admins: none of ${caller.user.name}'s roles says console_admin: true`,
    );
  }
}

function timeParam(url: URL, name: string): Date | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw new ConsoleRefusal(400, `${name}: "${raw}" is not a time`);
  return new Date(time);
}

const textParam = (url: URL, name: string) => {
  const value = url.searchParams.get(name) ?? "";
  return value === "" ? undefined : value;
};

const limitParam = (url: URL) =>
  Math.min(Math.max(Number(url.searchParams.get("limit")) || 200, 1), MAX_LIMIT);

async function clusters(deps: ConsoleApiDeps, caller: ConsoleCaller): Promise<ClustersResponse> {
  const reachable = await reachableClusters(deps.store, caller.user.name, caller.roles);
  return {
    clusters: reachable.map((cluster) => {
      const agents = deps.registry.inCluster(cluster.name);
      return clusterView(cluster, agents.find((a) => a.health)?.health, agents.length);
    }),
  };
}

async function audit(deps: ConsoleApiDeps, url: URL): Promise<AuditResponse> {
  await deps.audit.flush();
  const events = await deps.store.audit.list({
    user: textParam(url, "user"),
    cluster: textParam(url, "cluster"),
    verb: textParam(url, "verb"),
    since: timeParam(url, "since"),
    until: timeParam(url, "until"),
    limit: limitParam(url),
  });
  return { events: events.map(auditView) };
}

async function recordingEvents(
  deps: ConsoleApiDeps,
  caller: ConsoleCaller,
  id: string,
  source: string,
): Promise<RecordingEventsResponse> {
  const recording = await deps.store.recordings.get(id);
  if (!recording)
    throw new ConsoleRefusal(404, `there is no recording ${JSON.stringify(id.slice(0, 64))}`);
  if (recording.bytes > MAX_PLAYBACK_BYTES) {
    throw new ConsoleRefusal(
      400,
      `this recording is too long to play here: warrenctl recordings play ${id}`,
    );
  }
  // Watching what someone did in a shell is itself worth a line in the audit log.
  deps.audit.add(
    auditEvent({
      kind: "admin",
      time: deps.clock.now(),
      user: caller.user.name,
      source,
      verb: "get",
      method: "console",
      resource: "recordings",
      name: id,
    }),
  );
  const chunks = await deps.store.recordings.chunks(id);
  const events = chunks.flatMap((chunk) => decodeEvents(chunk.data));
  return {
    recording: recordingView(recording),
    events: events.map((e) => ({
      stream: e.stream,
      offsetMs: e.offsetMs,
      data: e.data.toString("base64"),
    })),
  };
}

/** GET routes of a logged-in caller; undefined when none matches. */
async function route(
  deps: ConsoleApiDeps,
  caller: ConsoleCaller,
  url: URL,
  source: string,
): Promise<unknown> {
  const path = url.pathname.slice("/v1/web/".length);
  if (path === "me") {
    const me: MeResponse = {
      user: caller.user.name,
      roles: caller.user.roles,
      admin: caller.admin,
      sessionExpiresAt: caller.session.expiresAt.toISOString(),
    };
    return me;
  }
  if (path === "clusters") return clusters(deps, caller);
  requireAdmin(caller);
  if (path === "agents") {
    const body: AgentsResponse = { agents: agentViews(await listClusterInfos(deps)) };
    return body;
  }
  if (path === "audit") return audit(deps, url);
  if (path === "recordings") {
    const recordings = await deps.store.recordings.list({
      user: textParam(url, "user"),
      cluster: textParam(url, "cluster"),
      since: timeParam(url, "since"),
      limit: limitParam(url),
    });
    const running = url.searchParams.get("running") === "true";
    const body: RecordingsResponse = {
      recordings: recordings.filter((r) => !running || !r.endedAt).map(recordingView),
    };
    return body;
  }
  const recording = /^recordings\/([A-Za-z0-9-]{1,64})$/.exec(path);
  if (recording?.[1]) return recordingEvents(deps, caller, recording[1], source);
  throw new ConsoleRefusal(404, `no console API ${url.pathname}`);
}

/** /v1/web/…: JSON for the console's pages, for a caller with a console login. */
export async function handleConsoleApi(
  deps: ConsoleApiDeps,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const caller = await consoleCaller(deps, request);
  const source = request.socket.remoteAddress ?? "";
  if (request.method !== "GET")
    throw new ConsoleRefusal(405, `${request.method ?? ""} is not served here`);
  if (url.pathname === "/v1/web/kubeconfig") {
    const cluster = url.searchParams.get("cluster") ?? "";
    const reachable = (await clusters(deps, caller)).clusters.some((c) => c.name === cluster);
    if (!reachable)
      throw new ConsoleRefusal(
        404,
        `your roles reach no cluster ${JSON.stringify(cluster.slice(0, 63))}`,
      );
    const endpoint = deps.kubeEndpoint();
    response
      .writeHead(200, {
        "content-type": "application/yaml",
        "content-disposition": `attachment; filename="${endpoint.hubName}-${cluster}.kubeconfig"`,
        "cache-control": "no-store",
      })
      .end(consoleKubeconfig(endpoint, cluster));
    return;
  }
  sendJson(response, 200, await route(deps, caller, url, source));
}
