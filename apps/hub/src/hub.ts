import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import { StartedParts } from "@warren/cli";
import { formatHostPort } from "@warren/config";
import type { Logger } from "@warren/log";
import { openStore, type HubStore } from "@warren/store";

import { keepAdminProfile } from "./ca/admin-profile.js";
import { HubAuthorities } from "./ca/hub-authorities.js";
import { systemClock, type Clock } from "./clock.js";
import type { HubConfig } from "./config/hub-config.js";
import { ensurePrivateDataDir } from "./data-dir.js";
import { AuditWriter } from "./audit/audit-writer.js";
import { JoinRefusals } from "./join/join-refusals.js";
import { JoinThrottle } from "./join/join-throttle.js";
import { sessionCheck } from "./kube/access-decision.js";
import { SessionBook } from "./kube/kube-sessions.js";
import { RoleBook } from "./kube/user-roles.js";
import { HubMetrics } from "./metrics/hub-metrics.js";
import { startMetricsServer } from "./metrics/metrics-server.js";
import { localAddress } from "./public-addresses.js";
import { hubKubeNames } from "./hub-addresses.js";
import { startListeners } from "./hub-listeners.js";
import type { HubParts } from "./hub-parts.js";
import { pruneAudit, pruneRecordings, startSweeps } from "./hub-sweeps.js";
import { followChanges } from "./replicas/apply-change.js";
import { endOrphanedRecordings } from "./recording/orphaned-recordings.js";
import { ReplicaDirectory } from "./replicas/replica-directory.js";
import { pushReplicas } from "./replicas/replica-push.js";
import { AgentRegistry } from "./tunnel/agent-registry.js";
import { HUB_VERSION } from "./version.js";
import { provisionGrantCheck } from "./admin/provision-token-admin.js";
import { ProvisionTokens } from "./provision/provision-tokens.js";
import { clusterTokenReviewer } from "./provision/token-review.js";
import { ensureOperatorToken } from "./provision/operator-token.js";

export interface RunningHub {
  /** Where clients on this machine reach the API (host:port). */
  apiAddr: string;
  /** Where agents are told to join (host:port). */
  joinAddr: string;
  /** Where agents dial the tunnel (host:port). */
  tunnelAddr: string;
  /** https://host:port of the kube endpoint; clusters are under /k8s/<name>. */
  kubeUrl: string;
  /** https://host:port of the web address (SSO callbacks). */
  webUrl: string;
  caPin: string;
  adminProfilePath: string;
  registry: AgentRegistry;
  /** Graceful: running calls get up to graceMs to finish. */
  stop(graceMs?: number): Promise<void>;
}

/** Unique per process: a restarted replica is a new one to agents and to the store. */
function replicaIdFor(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9.-]/g, "-")
    .slice(0, 40);
  return `${host}-${randomBytes(4).toString("hex")}`;
}

/** Ready means the store answers: without it nothing can be authorised or audited. */
async function storeReadiness(store: HubStore) {
  try {
    await store.replicas.live(new Date());
    return { ready: true, reason: `ready: store ${store.location} reachable, serving` };
  } catch (error) {
    return { ready: false, reason: `not ready: ${(error as Error).message}` };
  }
}

/**
 * Joins the replica directory and follows other replicas' changes; agents learn the live
 * replicas whenever they change. Returns how to leave again.
 */
async function startReplication(parts: HubParts, tunnelAddr: string, owner: StartedParts) {
  const { store, registry, logger } = parts;
  const directory = new ReplicaDirectory({
    store,
    clock: parts.clock,
    logger: logger.child("replicas"),
    self: { id: parts.replicaId, tunnelAddr },
    heartbeatIntervalMs: parts.config.replicaHeartbeatIntervalMs,
    onChange: (replicas) => {
      for (const agent of registry.all()) void pushReplicas(agent, replicas, logger);
      void endOrphanedRecordings(parts, replicas);
    },
  });
  parts.directory = directory;
  const unfollow = followChanges({ ...parts, directory, logger: logger.child("changes") });
  owner.started("change feed", unfollow);
  await directory.start();
  // First to stop, so agents stop dialing this replica and other replicas stop listing it.
  owner.started("replica directory", () => directory.stop());
}

async function assemble(
  config: HubConfig,
  logger: Logger,
  clock: Clock,
  owner: StartedParts,
): Promise<RunningHub> {
  await ensurePrivateDataDir(config.dataDir, logger);
  const store = await openStore({
    url: config.storeUrl,
    dataDir: config.dataDir,
    ...(config.storePasswordFile === undefined ? {} : { passwordFile: config.storePasswordFile }),
  });
  owner.started("store", () => store.close());
  const audit = new AuditWriter({ store, logger: logger.child("audit") });
  // After every listener has closed (parts stop in reverse), before the store closes: what
  // the last requests audited is still in the writer's batch.
  owner.started("audit log", async () => {
    await audit.flush();
  });
  const authorities = await HubAuthorities.load(store, clock, logger.child("ca"));
  const registry = new AgentRegistry(logger.child("registry"), clock);
  const roleBook = new RoleBook(store);
  const parts: HubParts = {
    config,
    logger,
    clock,
    store,
    authorities,
    registry,
    roleBook,
    audit,
    metrics: new HubMetrics(registry, () => ({
      certificatePem: authorities.state.active.certificatePem,
      phase: authorities.state.phase,
    })),
    joinRefusals: new JoinRefusals(),
    joinThrottle: new JoinThrottle(),
    sessions: new SessionBook(
      sessionCheck({ store, roleBook, clock, clientTrust: () => authorities.clientTrust }),
      clock,
      logger.child("sessions"),
      config.kubeMaxInFlightPerUser,
    ),
    provisionTokens: new ProvisionTokens(store, clock, provisionGrantCheck(store)),
    serviceAccounts: { audience: hubKubeNames(config).hubName, review: clusterTokenReviewer() },
    replicaId: replicaIdFor(),
  };
  if (config.operatorServiceAccount !== undefined) {
    await ensureOperatorToken(parts.provisionTokens, config.operatorServiceAccount, logger);
  }
  const metricsServer = await startMetricsServer(
    config.metricsListenAddr,
    parts.metrics.registry,
    () => storeReadiness(store),
  );
  owner.started("metrics", () => metricsServer.close());
  const { tunnel, webUrl, addrs, tunnelAddr, kubeUrl, admins } = await startListeners(parts, owner);
  await startReplication(parts, tunnelAddr, owner);
  const profile = {
    dataDir: config.dataDir,
    authorities,
    hubAddr: addrs.api,
    certificateTtlMs: config.adminCertificateTtlMs,
    clock,
    logger,
    admins,
  };
  const adminProfile = await keepAdminProfile(profile);
  owner.started("admin profile", adminProfile.stop);
  await pruneAudit(parts);
  await pruneRecordings(parts);
  owner.started("sweeps", startSweeps(parts));
  logger.info(
    {
      version: HUB_VERSION,
      apiAddr: addrs.api,
      publicAddrs: addrs.publicAddrs.map(formatHostPort),
      tunnelAddr,
      kubeUrl,
      webUrl,
      tunnelListenAddr: localAddress({ host: config.tunnelListenAddr.host, port: tunnel.port }),
      metricsAddr: localAddress({ host: config.metricsListenAddr.host, port: metricsServer.port }),
      caPin: authorities.view.pin,
      dataDir: config.dataDir,
      store: store.location,
      replicaId: parts.replicaId,
    },
    "hub ready",
  );
  const stop = async (graceMs = 10_000) => {
    await owner.stop(graceMs);
    logger.info({}, "hub stopped");
  };
  return {
    apiAddr: addrs.api,
    joinAddr: addrs.join,
    tunnelAddr,
    kubeUrl,
    webUrl,
    caPin: authorities.view.pin,
    adminProfilePath: adminProfile.path,
    registry,
    stop,
  };
}

/** Starts the hub; if any step fails, what the earlier ones opened is closed again. */
export async function startHub(
  config: HubConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<RunningHub> {
  const owner = new StartedParts(logger);
  return owner.starting(() => assemble(config, logger, clock, owner));
}
