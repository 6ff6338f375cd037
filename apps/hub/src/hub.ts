import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import { StartedParts } from "@warren/cli";
import { formatHostPort } from "@warren/config";
import type { Logger } from "@warren/log";
import { openStore, type HubStore } from "@warren/store";

import { createAdminService } from "./admin/admin-service.js";
import { keepAdminProfile } from "./ca/admin-profile.js";
import { pushAuthorities, authoritiesMessage } from "./ca/authorities-push.js";
import { followRotation } from "./ca/follow-rotation.js";
import { HubAuthorities } from "./ca/hub-authorities.js";
import { ServingIdentities } from "./ca/serving-identities.js";
import { ensureTunnelHostIdentity, tunnelInfo } from "./ca/tunnel-host-identity.js";
import { systemClock, type Clock } from "./clock.js";
import type { HubConfig } from "./config/hub-config.js";
import { ensurePrivateDataDir } from "./data-dir.js";
import { AuditWriter } from "./audit/audit-writer.js";
import { startApiServer, type ApiServer } from "./grpc/api-server.js";
import { PeerAuthenticator } from "./grpc/peer-authenticator.js";
import { JoinRefusals } from "./join/join-refusals.js";
import { createJoinService } from "./join/join-service.js";
import { JoinThrottle } from "./join/join-throttle.js";
import { sessionCheck } from "./kube/access-decision.js";
import { KubeAuthenticator } from "./kube/kube-authenticator.js";
import { startKubeServer, type KubeServer } from "./kube/kube-server.js";
import { SessionBook } from "./kube/kube-sessions.js";
import { UnauthenticatedLog } from "./kube/unauthenticated-log.js";
import { RoleBook } from "./kube/user-roles.js";
import { HubMetrics } from "./metrics/hub-metrics.js";
import { startMetricsServer } from "./metrics/metrics-server.js";
import { localAddress, serverNames } from "./public-addresses.js";
import { serverNameContexts } from "./kube/server-name-contexts.js";
import { createLoginParts } from "./login/login-parts.js";
import { createLoginService } from "./login/login-service.js";
import { createUserService } from "./login/user-service.js";
import { LOGIN_CALLBACK_PATH, startWebServer } from "./web/web-server.js";
import { consoleAssetsDir } from "@warren/console";
import { addresses, hubKubeNames } from "./hub-addresses.js";
import { pruneAudit, pruneRecordings, startSweeps } from "./hub-sweeps.js";
import { announce, followChanges } from "./replicas/apply-change.js";
import { endOrphanedRecordings } from "./recording/orphaned-recordings.js";
import { ReplicaDirectory } from "./replicas/replica-directory.js";
import { pushReplicas } from "./replicas/replica-push.js";
import { AgentRegistry } from "./tunnel/agent-registry.js";
import { startTunnelListener, type TunnelListener } from "./tunnel/tunnel-listener.js";
import { HUB_VERSION } from "./version.js";
import { provisionGrantCheck } from "./admin/provision-token-admin.js";
import { ProvisionTokens } from "./provision/provision-tokens.js";
import { clusterTokenReviewer } from "./provision/token-review.js";
import { ensureOperatorToken } from "./provision/operator-token.js";
import type { ServiceAccountJoin } from "./join/token-guard.js";

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

interface HubParts {
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

/**
 * The tunnel, kube, web and API listeners. Registered with `owner` as one part, whose graceful
 * stop closes the tunnel listener, then drains the API, the kube endpoint and the agents'
 * tunnels together; a listener that cannot start stops those started before it.
 */
async function startListeners(parts: HubParts, owner: StartedParts) {
  const own = new StartedParts(parts.logger);
  const listeners = await own.starting((started) => openListeners(parts, started));
  const { tunnel, api, kube, web } = listeners;
  owner.started("listeners", async (graceMs) => {
    tunnel.close();
    await Promise.all([
      api.stop(graceMs),
      kube.close(graceMs),
      parts.registry.drain(graceMs, "the hub is shutting down"),
    ]);
    await web.close();
  });
  return listeners;
}

async function openListeners(parts: HubParts, started: StartedParts) {
  const { config, logger, clock, store, authorities, registry, roleBook, audit, metrics } = parts;
  const hostIdentity = await ensureTunnelHostIdentity(store, authorities.view.serverIssuer, clock);
  const tunnel: TunnelListener = await startTunnelListener({
    listen: config.tunnelListenAddr,
    hostIdentity,
    store,
    registry,
    clock,
    logger,
    keepaliveIntervalMs: config.tunnelKeepaliveIntervalMs,
    keepaliveTimeoutMs: config.tunnelKeepaliveTimeoutMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    banner: `warren-hub replica ${parts.replicaId}`,
    onAgent: (agent) => {
      if (parts.directory) void pushReplicas(agent, parts.directory.live, logger);
      void pushAuthorities(agent, authoritiesMessage(authorities, known.tunnel), logger);
    },
    onClusterLabels: async (name) => {
      await parts.sessions.recheck({ cluster: name });
      await announce(store, logger, { kind: "cluster", name });
    },
  });
  started.started("tunnel listener", () => {
    tunnel.close();
  });
  // Services read these once the API has bound (the ports may have been 0).
  const known = {
    join: "",
    kubeUrl: "",
    loginCallbackUrl: "",
    tunnel: tunnelInfo(hostIdentity),
  };
  const authenticator = new PeerAuthenticator(() => authorities.trustedPem, store, clock);
  const kubeNames = hubKubeNames(config);
  const serving = await ServingIdentities.issue(
    authorities,
    [
      ...serverNames(config.publicAddrs, config.listenAddr),
      ...(config.kubePublicAddr ? [config.kubePublicAddr.host] : []),
      // One certificate for every cluster: kubeconfigs choose one by TLS server name.
      `*.${kubeNames.kubeServerName}`,
    ],
    clock,
  );
  const kubeLogger = logger.child("kube");
  const kube: KubeServer = await startKubeServer({
    listen: config.kubeListenAddr,
    identity: serving.current.identity,
    caPem: serving.current.requestedPem,
    handshakeTimeoutMs: config.tlsHandshakeTimeoutMs,
    sniCallback: serverNameContexts({
      serving: () => serving.current,
      kubeServerName: kubeNames.kubeServerName,
      clock,
      clusterExists: async (name) => (await store.clusters.get(name)) !== undefined,
    }),
    kubeNames,
    authenticator: new KubeAuthenticator(() => authorities.clientTrust, store, clock),
    unauthenticated: new UnauthenticatedLog(kubeLogger),
    sessions: parts.sessions,
    store,
    roleBook,
    audit,
    metrics,
    registry,
    clock,
    logger: kubeLogger,
    replicaId: parts.replicaId,
  });
  started.started("kube endpoint", (graceMs) => kube.close(graceMs));
  const login = createLoginParts({
    ...parts,
    kubeNames,
    kubeUrl: () => known.kubeUrl,
    loginCallbackUrl: () => known.loginCallbackUrl,
  });
  const web = await startWebServer({
    listen: config.webListenAddr,
    identity: serving.current.identity,
    ssoLogins: login.ssoLogins,
    logger: logger.child("web"),
    handshakeTimeoutMs: config.tlsHandshakeTimeoutMs,
    console: {
      ...parts,
      ...login,
      hubName: () => kubeNames.hubName,
      kubeEndpoint: () => ({
        ...kubeNames,
        kubeUrl: known.kubeUrl,
        caPems: authorities.view.trusted,
        hubAddr: known.join,
      }),
    },
    assetsDir: consoleAssetsDir(),
  });
  started.started("web address", () => web.close());
  const api: ApiServer = await startApiServer({
    listen: config.listenAddr,
    caPem: authorities.trustedPem,
    identity: serving.current.identity,
    handshakeTimeoutMs: config.tlsHandshakeTimeoutMs,
    join: createJoinService({
      ...parts,
      authenticator,
      agentCertificateTtlMs: config.agentCertificateTtlMs,
      adminLoginTtlMs: config.adminLoginTtlMs,
      tunnel: () => known.tunnel,
    }),
    login: createLoginService({ ...parts, ...login, kubeNames, logger: logger.child("login") }),
    user: createUserService({ ...parts, ...login, authenticator, logger: logger.child("user") }),
    admin: createAdminService({
      ...parts,
      ...login,
      authenticator,
      tokenTtlMs: config.tokenTtlMs,
      tokenMaxTtlMs: config.tokenMaxTtlMs,
      joinAddr: () => known.join,
      userCertificateTtlMs: config.userCertificateTtlMs,
      userCertificateMaxTtlMs: config.userCertificateMaxTtlMs,
      kubeUrl: () => known.kubeUrl,
      kubeNames,
    }),
  });
  started.started("API server", (graceMs) => api.stop(graceMs));
  const addrs = addresses(config, api.port);
  known.join = addrs.join;
  const tunnelHost = addrs.publicAddrs[0]?.host ?? "127.0.0.1";
  known.tunnel.addr = formatHostPort(
    config.tunnelPublicAddr ?? { host: tunnelHost, port: tunnel.port },
  );
  known.kubeUrl = `https://${formatHostPort(
    config.kubePublicAddr ?? { host: tunnelHost, port: kube.port },
  )}`;
  const webUrl = `https://${formatHostPort(config.webPublicAddr ?? { host: tunnelHost, port: web.port })}`;
  known.loginCallbackUrl = `${webUrl}${LOGIN_CALLBACK_PATH}`;
  const unfollow = authorities.onChange(async () => {
    // A step that drops a CA ends the open watches and execs of certificates it issued.
    void parts.sessions.recheck({});
    await followRotation({ ...parts, serving, servers: { kube, web, api }, tunnel: known.tunnel });
  });
  started.started("CA rotation follower", unfollow);
  return {
    tunnel,
    api,
    kube,
    web,
    webUrl,
    addrs,
    tunnelAddr: known.tunnel.addr,
    kubeUrl: known.kubeUrl,
    admins: authenticator.admins,
  };
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
