import { join } from "node:path";

import { formatHostPort, type HostPort } from "@warren/config";
import type { Logger } from "@warren/log";
import type { TunnelInfo } from "@warren/proto";
import { openSqliteStore } from "@warren/store";

import { createAdminService } from "./admin/admin-service.js";
import { ensureAdminProfile } from "./ca/admin-profile.js";
import { ensureCertificateAuthority } from "./ca/certificate-authority.js";
import { issueServerIdentity } from "./ca/server-identity.js";
import { ensureTunnelHostIdentity } from "./ca/tunnel-host-identity.js";
import { systemClock, type Clock } from "./clock.js";
import type { HubConfig } from "./config/hub-config.js";
import { ensurePrivateDataDir } from "./data-dir.js";
import { startApiServer } from "./grpc/api-server.js";
import { PeerAuthenticator } from "./grpc/peer-authenticator.js";
import { createJoinService } from "./join/join-service.js";
import { localAddress, publicAddresses, serverNames } from "./public-addresses.js";
import { AgentRegistry } from "./tunnel/agent-registry.js";
import { every, sweepConnectedAgents } from "./tunnel/agent-sweep.js";
import { startTunnelListener } from "./tunnel/tunnel-listener.js";
import { HUB_VERSION } from "./version.js";

/** Expired tokens stay this long so a late join hears "expired" rather than "unknown". */
const EXPIRED_TOKEN_RETENTION_MS = 24 * 3_600_000;
const TOKEN_SWEEP_INTERVAL_MS = 3_600_000;
const AGENT_SWEEP_INTERVAL_MS = 60_000;

export interface RunningHub {
  /** Where clients on this machine reach the API (host:port). */
  apiAddr: string;
  /** Where agents are told to join (host:port). */
  joinAddr: string;
  /** Where agents dial the tunnel (host:port). */
  tunnelAddr: string;
  caPin: string;
  adminProfilePath: string;
  registry: AgentRegistry;
  /** Graceful: running calls get up to graceMs to finish. */
  stop(graceMs?: number): Promise<void>;
}

function tunnelPublicAddress(config: HubConfig, publicAddrs: HostPort[], port: number): string {
  const host = publicAddrs[0]?.host ?? "127.0.0.1";
  return formatHostPort(config.tunnelPublicAddr ?? { host, port });
}

export async function startHub(
  config: HubConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<RunningHub> {
  await ensurePrivateDataDir(config.dataDir, logger);
  const store = openSqliteStore({ path: join(config.dataDir, "hub.db") });
  const ca = await ensureCertificateAuthority(store, clock, logger.child("ca"));
  const identity = await issueServerIdentity(
    ca,
    serverNames(config.publicAddrs, config.listenAddr),
    clock,
  );
  const hostIdentity = await ensureTunnelHostIdentity(store, ca, clock);
  const authenticator = new PeerAuthenticator(ca.certificatePem, store, clock);
  const registry = new AgentRegistry(logger.child("registry"), clock);
  const tunnel = await startTunnelListener({
    listen: config.tunnelListenAddr,
    hostIdentity,
    store,
    registry,
    clock,
    logger,
    keepaliveIntervalMs: config.tunnelKeepaliveIntervalMs,
    keepaliveTimeoutMs: config.tunnelKeepaliveTimeoutMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
  });
  let joinAddr = "";
  let tunnelInfo: TunnelInfo = { addr: "", hostCertificatePem: hostIdentity.certificatePem };
  const api = await startApiServer({
    listen: config.listenAddr,
    caPem: ca.certificatePem,
    identity,
    join: createJoinService({
      store,
      ca,
      authenticator,
      clock,
      logger,
      agentCertificateTtlMs: config.agentCertificateTtlMs,
      adminLoginTtlMs: config.adminLoginTtlMs,
      tunnel: () => tunnelInfo,
    }),
    admin: createAdminService({
      store,
      ca,
      authenticator,
      registry,
      clock,
      logger,
      tokenTtlMs: config.tokenTtlMs,
      tokenMaxTtlMs: config.tokenMaxTtlMs,
      joinAddr: () => joinAddr,
    }),
  });
  const bound = { host: config.listenAddr.host, port: api.port };
  const publicAddrs = publicAddresses(config.publicAddrs, bound);
  joinAddr = formatHostPort(publicAddrs[0] ?? bound);
  tunnelInfo = { ...tunnelInfo, addr: tunnelPublicAddress(config, publicAddrs, tunnel.port) };
  const apiAddr = localAddress(bound);
  const adminProfilePath = await ensureAdminProfile({
    dataDir: config.dataDir,
    ca,
    hubAddr: apiAddr,
    certificateTtlMs: config.adminCertificateTtlMs,
    clock,
    logger,
  });
  const stopSweeps = [
    every(
      TOKEN_SWEEP_INTERVAL_MS,
      () =>
        store.tokens.deleteExpiredBefore(
          new Date(clock.now().getTime() - EXPIRED_TOKEN_RETENTION_MS),
        ),
      logger,
      "delete expired join tokens",
    ),
    every(
      AGENT_SWEEP_INTERVAL_MS,
      () => sweepConnectedAgents(registry, store, clock),
      logger,
      "check connected agents",
    ),
  ];
  logger.info(
    {
      version: HUB_VERSION,
      apiAddr,
      publicAddrs: publicAddrs.map(formatHostPort),
      tunnelAddr: tunnelInfo.addr,
      tunnelListenAddr: localAddress({ host: config.tunnelListenAddr.host, port: tunnel.port }),
      caPin: ca.pin,
      dataDir: config.dataDir,
    },
    "hub ready",
  );
  return {
    apiAddr,
    joinAddr,
    tunnelAddr: tunnelInfo.addr,
    caPin: ca.pin,
    adminProfilePath,
    registry,
    stop: async (graceMs = 10_000) => {
      for (const stopSweep of stopSweeps) stopSweep();
      tunnel.close();
      await api.stop(graceMs);
      registry.closeAll("the hub is shutting down");
      await store.close();
      logger.info({}, "hub stopped");
    },
  };
}
