import type {
  ConsoleAgent,
  ConsoleAuditEvent,
  ConsoleCluster,
  ConsoleRecording,
} from "@warren/console";
import { healthStateToJSON, type ClusterHealth, type ClusterInfo } from "@warren/proto";
import type { AuditEventRecord, SessionRecordingRecord } from "@warren/store";

// How the console shows the hub's records: plain JSON, times as ISO strings.

const iso = (unixMs: number) => (unixMs > 0 ? new Date(unixMs).toISOString() : undefined);

/** HEALTH_STATE_MISSING_PERMISSIONS → "missing_permissions"; "unknown" before any check. */
export const healthName = (health: ClusterHealth | undefined) =>
  health === undefined
    ? "unknown"
    : healthStateToJSON(health.state)
        .replace(/^HEALTH_STATE_/, "")
        .toLowerCase();

export const clusterView = (
  cluster: { name: string; labels: Record<string, string> },
  health: ClusterHealth | undefined,
  agentsConnected: number,
): ConsoleCluster => ({
  name: cluster.name,
  labels: { ...cluster.labels },
  health: agentsConnected === 0 ? "offline" : healthName(health),
  healthReason:
    agentsConnected === 0 ? "no agent of this cluster is connected" : (health?.reason ?? ""),
  agentsConnected,
});

export const agentViews = (clusters: readonly ClusterInfo[]): ConsoleAgent[] =>
  clusters.flatMap((cluster) =>
    cluster.agents.map((agent) => {
      const lastHeartbeatAt = iso(agent.lastHeartbeatUnixMs);
      return {
        cluster: cluster.name,
        id: agent.agentId,
        version: agent.version,
        connected: agent.connected,
        rttMs: agent.tunnelRttMs,
        ...(lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt }),
        health: agent.connected ? healthName(agent.health) : "offline",
        namespace: agent.placement?.namespace ?? "",
        pod: agent.placement?.pod ?? "",
      };
    }),
  );

export const auditView = (event: AuditEventRecord): ConsoleAuditEvent => ({
  time: event.time.toISOString(),
  requestId: event.requestId,
  kind: event.kind,
  stage: event.stage,
  user: event.user,
  cluster: event.cluster,
  verb: event.verb,
  resource: event.resource,
  namespace: event.namespace,
  name: event.name,
  status: event.status,
  reason: event.reason,
});

export const recordingView = (r: SessionRecordingRecord): ConsoleRecording => ({
  id: r.id,
  user: r.user,
  cluster: r.cluster,
  subresource: r.subresource,
  namespace: r.namespace,
  pod: r.pod,
  container: r.container,
  command: r.command,
  tty: r.tty,
  startedAt: r.startedAt.toISOString(),
  ...(r.endedAt ? { endedAt: r.endedAt.toISOString() } : {}),
  ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
  endReason: r.endReason,
  bytes: r.bytes,
});
