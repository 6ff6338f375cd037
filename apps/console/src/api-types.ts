// What the hub's console API answers, as the browser reads it: JSON under /v1/web/.

export interface ErrorResponse {
  error: string;
}

export interface LoginOptionsResponse {
  hubName: string;
  /** Users an admin made log in with a password. */
  localUsers: boolean;
  connectors: { name: string; kind: string; display: string }[];
}

export interface MeResponse {
  user: string;
  roles: string[];
  /** A role of the user says console_admin: true. */
  admin: boolean;
  sessionExpiresAt: string;
}

/** "healthy", "cannot_contact", "missing_permissions"…, or "unknown" before any check. */
export type HealthName = string;

export interface ConsoleCluster {
  name: string;
  labels: Record<string, string>;
  health: HealthName;
  healthReason: string;
  agentsConnected: number;
}

export interface ClustersResponse {
  clusters: ConsoleCluster[];
}

export interface ConsoleAgent {
  cluster: string;
  id: string;
  version: string;
  connected: boolean;
  /** The tunnel's last measured round trip; 0 when unknown. */
  rttMs: number;
  lastHeartbeatAt?: string;
  health: HealthName;
  namespace: string;
  pod: string;
}

export interface AgentsResponse {
  agents: ConsoleAgent[];
}

export interface ConsoleAuditEvent {
  time: string;
  requestId: string;
  kind: string;
  stage: string;
  user: string;
  cluster: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  status: number;
  reason: string;
}

export interface AuditResponse {
  events: ConsoleAuditEvent[];
}

export interface ConsoleRecording {
  id: string;
  user: string;
  cluster: string;
  subresource: string;
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  tty: boolean;
  startedAt: string;
  endedAt?: string;
  exitCode?: number;
  endReason: string;
  bytes: number;
}

export interface RecordingsResponse {
  recordings: ConsoleRecording[];
}

export interface ConsoleRecordedEvent {
  /** 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize. */
  stream: number;
  offsetMs: number;
  /** The bytes, base64. */
  data: string;
}

export interface RecordingEventsResponse {
  recording: ConsoleRecording;
  events: ConsoleRecordedEvent[];
}
