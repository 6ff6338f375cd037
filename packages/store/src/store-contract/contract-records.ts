import type {
  AgentRecord,
  AuditEventRecord,
  JoinTokenRecord,
  SessionRecordingRecord,
} from "../records.js";

// Records the store contract's tests write: each a valid record, overridden where a test cares.

export const now = new Date("2026-06-01T00:00:00Z");
export const later = (ms: number) => new Date(now.getTime() + ms);

export const token = (overrides: Partial<JoinTokenRecord> = {}): JoinTokenRecord => ({
  id: "0123456789abcdef",
  type: "kube",
  secretHash: "ab".repeat(32),
  expiresAt: later(60_000),
  usesTotal: 1,
  usesRemaining: 1,
  labels: { env: "dev" },
  clusterName: "dev",
  agentLabelKeys: [],
  adminName: undefined,
  createdAt: now,
  ...overrides,
});

export const agent = (id: string, clusterName = "dev"): AgentRecord => ({
  id,
  clusterName,
  tokenId: "0123456789abcdef",
  agentVersion: "0.1.0",
  certificateSerial: `serial-${id}`,
  certificatePem: `CERT-${id}`,
  previousCertificatePem: undefined,
  previousCertificateSerial: undefined,
  certificateExpiresAt: later(3_600_000),
  joinedAt: now,
  renewedAt: undefined,
  revokedAt: undefined,
  placement: { namespace: "warren", pod: "warren-agent-0" },
  labelKeys: ["tier"],
});

/** A user an admin made: no connector, no traits. */
export const local = { origin: "", traits: {} };

export const cluster = (name: string, labels: Record<string, string> = { env: "dev" }) => ({
  name,
  labels,
  createdAt: now,
  updatedAt: now,
});

/** A join into cluster "dev" (created with env=dev when missing), at `when`. */
export const joining = (
  id: string,
  when = now,
  mayJoinExisting = true,
  tokenId = "0123456789abcdef",
) => ({
  tokenId,
  now: when,
  agent: agent(id),
  cluster: cluster("dev"),
  mayJoinExisting,
});

export const outcomeOf = async (pending: Promise<{ outcome: string }>) => (await pending).outcome;

export const event = (overrides: Partial<AuditEventRecord>): AuditEventRecord => ({
  kind: "kube",
  stage: "ResponseComplete",
  time: now,
  requestId: "r1",
  user: "alice",
  source: "127.0.0.1",
  cluster: "one",
  kubernetesUser: "alice",
  kubernetesGroups: ["developers", "viewers"],
  verb: "list",
  method: "GET",
  path: "/api/v1/namespaces/default/pods",
  resource: "pods",
  namespace: "default",
  name: "",
  status: 200,
  durationMs: 1.5,
  reason: "",
  ...overrides,
});

/** A running recording of alice's exec in web-0, by replica `replicaId`. */
export const recordingOf = (
  id: string,
  replicaId: string,
  startedAt: Date,
): SessionRecordingRecord => ({
  id,
  user: "alice",
  cluster: "one",
  kubernetesUser: "alice",
  namespace: "apps",
  pod: "web-0",
  container: "main",
  command: ["sh", "-c", "echo hi"],
  subresource: "exec",
  tty: true,
  protocol: "v5.channel.k8s.io",
  startedAt,
  endReason: "",
  bytes: 0,
  replicaId,
});
