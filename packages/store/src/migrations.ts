/**
 * The one schema history, in each dialect. Version N means the first N entries have run; both
 * dialects always hold the same tables and columns at the same version. Append, never edit: a
 * released migration has already run somewhere. Times are Unix milliseconds; JSON is text.
 */
export interface Migration {
  description: string;
  sqlite: string;
  postgres: string;
}

// Standard SQL both dialects run alike.
const FIRST_AGENT_LABELS = `INSERT INTO clusters (name, labels, created_at, updated_at)
     SELECT cluster_name, labels, joined_at, joined_at FROM agents AS a
     WHERE revoked_at IS NULL AND NOT EXISTS (
       SELECT 1 FROM agents AS b
       WHERE b.cluster_name = a.cluster_name AND b.revoked_at IS NULL
         AND (b.joined_at < a.joined_at OR (b.joined_at = a.joined_at AND b.id < a.id)));`;

const BIND_TOKENS_AND_LOCK_USERS = `ALTER TABLE agents DROP COLUMN labels;
     ALTER TABLE join_tokens ADD COLUMN cluster_name TEXT;
     ALTER TABLE join_tokens ADD COLUMN agent_label_keys TEXT NOT NULL DEFAULT '[]';
     ALTER TABLE join_tokens ADD COLUMN admin_name TEXT;
     ALTER TABLE users ADD COLUMN uid TEXT NOT NULL DEFAULT '';
     ALTER TABLE users ADD COLUMN lock TEXT;
     ALTER TABLE audit_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'kube';
     ALTER TABLE audit_events ADD COLUMN stage TEXT NOT NULL DEFAULT 'ResponseComplete';
     ALTER TABLE audit_events ADD COLUMN source TEXT NOT NULL DEFAULT '';`;

const RUNNING_RECORDINGS_INDEX = `CREATE INDEX session_recordings_running
     ON session_recordings (replica_id) WHERE ended_at IS NULL;`;

/** The recordings tables, in either store's types for times and bytes. */
const recordingTables = (bigint: string, bytes: string) =>
  `CREATE TABLE session_recordings (
       id TEXT PRIMARY KEY,
       "user" TEXT NOT NULL,
       cluster TEXT NOT NULL,
       kubernetes_user TEXT NOT NULL,
       namespace TEXT NOT NULL,
       pod TEXT NOT NULL,
       container TEXT NOT NULL,
       command TEXT NOT NULL,
       subresource TEXT NOT NULL,
       tty INTEGER NOT NULL,
       protocol TEXT NOT NULL,
       started_at ${bigint} NOT NULL,
       ended_at ${bigint},
       exit_code INTEGER,
       end_reason TEXT NOT NULL,
       bytes ${bigint} NOT NULL
     );
     CREATE INDEX session_recordings_by_start ON session_recordings (started_at, id);
     CREATE TABLE session_recording_chunks (
       recording_id TEXT NOT NULL,
       seq INTEGER NOT NULL,
       data ${bytes} NOT NULL,
       PRIMARY KEY (recording_id, seq)
     );`;

export const MIGRATIONS: readonly Migration[] = [
  {
    description: "the CA, join tokens and agents",
    sqlite: `CREATE TABLE certificate_authority (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       certificate_pem TEXT NOT NULL,
       private_key_pem TEXT NOT NULL,
       created_at INTEGER NOT NULL
     );
     CREATE TABLE join_tokens (
       id TEXT PRIMARY KEY,
       type TEXT NOT NULL,
       secret_hash TEXT NOT NULL,
       expires_at INTEGER NOT NULL,
       uses_total INTEGER NOT NULL,
       uses_remaining INTEGER NOT NULL CHECK (uses_remaining >= 0),
       labels TEXT NOT NULL,
       created_at INTEGER NOT NULL
     );
     CREATE TABLE agents (
       id TEXT PRIMARY KEY,
       cluster_name TEXT NOT NULL,
       labels TEXT NOT NULL,
       token_id TEXT NOT NULL,
       agent_version TEXT NOT NULL,
       certificate_serial TEXT NOT NULL,
       previous_certificate_serial TEXT,
       certificate_expires_at INTEGER NOT NULL,
       joined_at INTEGER NOT NULL,
       renewed_at INTEGER,
       revoked_at INTEGER
     );
     CREATE INDEX agents_by_cluster ON agents (cluster_name);`,
    postgres: `CREATE TABLE certificate_authority (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       certificate_pem TEXT NOT NULL,
       private_key_pem TEXT NOT NULL,
       created_at BIGINT NOT NULL
     );
     CREATE TABLE join_tokens (
       id TEXT PRIMARY KEY,
       type TEXT NOT NULL,
       secret_hash TEXT NOT NULL,
       expires_at BIGINT NOT NULL,
       uses_total INTEGER NOT NULL,
       uses_remaining INTEGER NOT NULL CHECK (uses_remaining >= 0),
       labels TEXT NOT NULL,
       created_at BIGINT NOT NULL
     );
     CREATE TABLE agents (
       id TEXT PRIMARY KEY,
       cluster_name TEXT NOT NULL,
       labels TEXT NOT NULL,
       token_id TEXT NOT NULL,
       agent_version TEXT NOT NULL,
       certificate_serial TEXT NOT NULL,
       previous_certificate_serial TEXT,
       certificate_expires_at BIGINT NOT NULL,
       joined_at BIGINT NOT NULL,
       renewed_at BIGINT,
       revoked_at BIGINT
     );
     CREATE INDEX agents_by_cluster ON agents (cluster_name);`,
  },
  {
    description: "agent certificates for the tunnel, and the hub's own keys",
    sqlite: `ALTER TABLE agents ADD COLUMN certificate_pem TEXT NOT NULL DEFAULT '';
     ALTER TABLE agents ADD COLUMN previous_certificate_pem TEXT;
     CREATE TABLE hub_keys (
       name TEXT PRIMARY KEY,
       private_key_pem TEXT NOT NULL,
       created_at INTEGER NOT NULL
     );`,
    postgres: `ALTER TABLE agents ADD COLUMN certificate_pem TEXT NOT NULL DEFAULT '';
     ALTER TABLE agents ADD COLUMN previous_certificate_pem TEXT;
     CREATE TABLE hub_keys (
       name TEXT PRIMARY KEY,
       private_key_pem TEXT NOT NULL,
       created_at BIGINT NOT NULL
     );`,
  },
  {
    description: "users, roles and the audit log",
    sqlite: `CREATE TABLE users (
       name TEXT PRIMARY KEY,
       roles TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       updated_at INTEGER NOT NULL
     );
     CREATE TABLE roles (
       name TEXT PRIMARY KEY,
       document TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       updated_at INTEGER NOT NULL
     );
     CREATE TABLE audit_events (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       time INTEGER NOT NULL,
       request_id TEXT NOT NULL,
       user TEXT NOT NULL,
       cluster TEXT NOT NULL,
       kubernetes_user TEXT NOT NULL,
       kubernetes_groups TEXT NOT NULL,
       verb TEXT NOT NULL,
       method TEXT NOT NULL,
       path TEXT NOT NULL,
       resource TEXT NOT NULL,
       namespace TEXT NOT NULL,
       name TEXT NOT NULL,
       status INTEGER NOT NULL,
       duration_ms REAL NOT NULL,
       reason TEXT NOT NULL
     );
     CREATE INDEX audit_events_by_time ON audit_events (time);`,
    postgres: `CREATE TABLE users (
       name TEXT PRIMARY KEY,
       roles TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       updated_at BIGINT NOT NULL
     );
     CREATE TABLE roles (
       name TEXT PRIMARY KEY,
       document TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       updated_at BIGINT NOT NULL
     );
     CREATE TABLE audit_events (
       id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       time BIGINT NOT NULL,
       request_id TEXT NOT NULL,
       "user" TEXT NOT NULL,
       cluster TEXT NOT NULL,
       kubernetes_user TEXT NOT NULL,
       kubernetes_groups TEXT NOT NULL,
       verb TEXT NOT NULL,
       method TEXT NOT NULL,
       path TEXT NOT NULL,
       resource TEXT NOT NULL,
       namespace TEXT NOT NULL,
       name TEXT NOT NULL,
       status INTEGER NOT NULL,
       duration_ms DOUBLE PRECISION NOT NULL,
       reason TEXT NOT NULL
     );
     CREATE INDEX audit_events_by_time ON audit_events (time);`,
  },
  {
    // Clusters belong to the admin: their own table, labels included, taken from the first
    // agent that joined each (a later one may have chosen its own). Tokens name the cluster or
    // admin they are for; users get a uid and a lock; audit events a kind and a stage.
    description: "clusters owned by the admin, bound tokens, user locks, audit kinds",
    sqlite: `CREATE TABLE clusters (
       name TEXT PRIMARY KEY,
       labels TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       updated_at INTEGER NOT NULL
     );
     ${FIRST_AGENT_LABELS}
     ${BIND_TOKENS_AND_LOCK_USERS}`,
    postgres: `CREATE TABLE clusters (
       name TEXT PRIMARY KEY,
       labels TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       updated_at BIGINT NOT NULL
     );
     ${FIRST_AGENT_LABELS}
     ${BIND_TOKENS_AND_LOCK_USERS}`,
  },
  {
    // Several hubs on one store: each live replica says where agents reach its tunnel.
    description: "hub replicas",
    sqlite: `CREATE TABLE hub_replicas (
       id TEXT PRIMARY KEY,
       tunnel_addr TEXT NOT NULL,
       started_at INTEGER NOT NULL,
       seen_at INTEGER NOT NULL
     );
     CREATE INDEX audit_events_by_time_id ON audit_events (time, id);`,
    postgres: `CREATE TABLE hub_replicas (
       id TEXT PRIMARY KEY,
       tunnel_addr TEXT NOT NULL,
       started_at BIGINT NOT NULL,
       seen_at BIGINT NOT NULL
     );
     CREATE INDEX audit_events_by_time_id ON audit_events (time, id);`,
  },
  {
    // People log in: users get where they came from (an SSO connector, or none: an admin made
    // them) and the traits their identity provider gave; connectors, login requests, login
    // sessions and local passwords are small documents with a version and an expiry.
    description: "user origins and traits, documents",
    sqlite: `ALTER TABLE users ADD COLUMN origin TEXT NOT NULL DEFAULT '';
     ALTER TABLE users ADD COLUMN traits TEXT NOT NULL DEFAULT '{}';
     CREATE TABLE documents (
       kind TEXT NOT NULL,
       name TEXT NOT NULL,
       body TEXT NOT NULL,
       version INTEGER NOT NULL,
       expires_at INTEGER,
       updated_at INTEGER NOT NULL,
       PRIMARY KEY (kind, name)
     );
     CREATE INDEX documents_by_expiry ON documents (expires_at);`,
    postgres: `ALTER TABLE users ADD COLUMN origin TEXT NOT NULL DEFAULT '';
     ALTER TABLE users ADD COLUMN traits TEXT NOT NULL DEFAULT '{}';
     CREATE TABLE documents (
       kind TEXT NOT NULL,
       name TEXT NOT NULL,
       body TEXT NOT NULL,
       version BIGINT NOT NULL,
       expires_at BIGINT,
       updated_at BIGINT NOT NULL,
       PRIMARY KEY (kind, name)
     );
     CREATE INDEX documents_by_expiry ON documents (expires_at);`,
  },
  {
    // Agents say where they run, so doctor's fixes name the real namespace, pod and release;
    // and keep the label keys their token let them set, which follow the chart's labels.
    description: "agent placement and label keys",
    sqlite: `ALTER TABLE agents ADD COLUMN placement TEXT NOT NULL DEFAULT '{}';
     ALTER TABLE agents ADD COLUMN label_keys TEXT NOT NULL DEFAULT '[]';`,
    postgres: `ALTER TABLE agents ADD COLUMN placement TEXT NOT NULL DEFAULT '{}';
     ALTER TABLE agents ADD COLUMN label_keys TEXT NOT NULL DEFAULT '[]';`,
  },
  {
    // Interactive exec and attach sessions are recorded: a row per session, events in chunks.
    description: "session recordings",
    sqlite: recordingTables("INTEGER", "BLOB"),
    postgres: recordingTables("BIGINT", "BYTEA"),
  },
  {
    // A recording names the replica recording it, so others can end it when that one dies.
    description: "recordings name their replica",
    sqlite: "ALTER TABLE session_recordings ADD COLUMN replica_id TEXT NOT NULL DEFAULT '';",
    postgres: "ALTER TABLE session_recordings ADD COLUMN replica_id TEXT NOT NULL DEFAULT '';",
  },
  {
    // Replicas look for recordings still running every minute: only those are indexed.
    description: "an index of running recordings",
    sqlite: RUNNING_RECORDINGS_INDEX,
    postgres: RUNNING_RECORDINGS_INDEX,
  },
];
