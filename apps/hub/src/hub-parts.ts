import type { Logger } from "@warren/log";
import type { HubStore } from "@warren/store";

import type { AuditWriter } from "./audit/audit-writer.js";
import type { HubAuthorities } from "./ca/hub-authorities.js";
import type { Clock } from "./clock.js";
import type { HubConfig } from "./config/hub-config.js";
import type { JoinRefusals } from "./join/join-refusals.js";
import type { JoinThrottle } from "./join/join-throttle.js";
import type { ServiceAccountJoin } from "./join/token-guard.js";
import type { SessionBook } from "./kube/kube-sessions.js";
import type { RoleBook } from "./kube/user-roles.js";
import type { HubMetrics } from "./metrics/hub-metrics.js";
import type { ProvisionTokens } from "./provision/provision-tokens.js";
import type { ReplicaDirectory } from "./replicas/replica-directory.js";
import type { AgentRegistry } from "./tunnel/agent-registry.js";

/** What the hub's services share, made once at start and handed to each. */
export interface HubParts {
  config: HubConfig;
  logger: Logger;
  clock: Clock;
  store: HubStore;
  authorities: HubAuthorities;
  registry: AgentRegistry;
  roleBook: RoleBook;
  audit: AuditWriter;
  metrics: HubMetrics;
  joinRefusals: JoinRefusals;
  joinThrottle: JoinThrottle;
  sessions: SessionBook;
  provisionTokens: ProvisionTokens;
  /** What ServiceAccount tokens for the Kubernetes join method must carry and who checks. */
  serviceAccounts: ServiceAccountJoin;
  /** This replica's id: its SSH banner, its row in the store's replica list. */
  replicaId: string;
  /** Set once the tunnel's public address is known. */
  directory?: ReplicaDirectory;
}
