import { StartedParts } from "@warren/cli";
import { consoleAssetsDir } from "@warren/console";
import { formatHostPort } from "@warren/config";
import type { TunnelInfo } from "@warren/proto";

import { createAdminService } from "./admin/admin-service.js";
import { pushAuthorities, authoritiesMessage } from "./ca/authorities-push.js";
import { followRotation } from "./ca/follow-rotation.js";
import { ServingIdentities } from "./ca/serving-identities.js";
import {
  ensureTunnelHostIdentity,
  tunnelInfo,
  type TunnelHostIdentity,
} from "./ca/tunnel-host-identity.js";
import { startApiServer, type ApiServer } from "./grpc/api-server.js";
import { PeerAuthenticator } from "./grpc/peer-authenticator.js";
import { addresses, hubKubeNames, type Addresses } from "./hub-addresses.js";
import type { HubParts } from "./hub-parts.js";
import { createJoinService } from "./join/join-service.js";
import { KubeAuthenticator } from "./kube/kube-authenticator.js";
import type { KubeNames } from "./kube/kube-names.js";
import { startKubeServer, type KubeServer } from "./kube/kube-server.js";
import { serverNameContexts } from "./kube/server-name-contexts.js";
import { UnauthenticatedLog } from "./kube/unauthenticated-log.js";
import { createLoginParts, type LoginParts } from "./login/login-parts.js";
import { createLoginService } from "./login/login-service.js";
import { createUserService } from "./login/user-service.js";
import { serverNames } from "./public-addresses.js";
import { announce } from "./replicas/apply-change.js";
import { pushReplicas } from "./replicas/replica-push.js";
import { startTunnelListener, type TunnelListener } from "./tunnel/tunnel-listener.js";
import { LOGIN_CALLBACK_PATH, startWebServer } from "./web/web-server.js";

/** What services read once the listeners have bound (their ports may have been 0). */
interface Known {
  join: string;
  kubeUrl: string;
  loginCallbackUrl: string;
  tunnel: TunnelInfo;
}

type WebServer = Awaited<ReturnType<typeof startWebServer>>;

export interface HubListeners {
  tunnel: TunnelListener;
  api: ApiServer;
  kube: KubeServer;
  web: WebServer;
  webUrl: string;
  addrs: Addresses;
  tunnelAddr: string;
  kubeUrl: string;
  admins: PeerAuthenticator["admins"];
}

/**
 * The tunnel, kube, web and API listeners. Registered with `owner` as one part, whose graceful
 * stop closes the tunnel listener, then drains the API, the kube endpoint and the agents'
 * tunnels together; a listener that cannot start stops those started before it.
 */
export async function startListeners(parts: HubParts, owner: StartedParts): Promise<HubListeners> {
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

async function openListeners(parts: HubParts, started: StartedParts): Promise<HubListeners> {
  const { config, clock, store, authorities } = parts;
  const hostIdentity = await ensureTunnelHostIdentity(store, authorities.view.serverIssuer, clock);
  const known: Known = {
    join: "",
    kubeUrl: "",
    loginCallbackUrl: "",
    tunnel: tunnelInfo(hostIdentity),
  };
  const tunnel = await openTunnel(parts, hostIdentity, known);
  started.started("tunnel listener", () => {
    tunnel.close();
  });
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
  const kube = await openKube(parts, serving, kubeNames);
  started.started("kube endpoint", (graceMs) => kube.close(graceMs));
  const login = createLoginParts({
    ...parts,
    kubeNames,
    kubeUrl: () => known.kubeUrl,
    loginCallbackUrl: () => known.loginCallbackUrl,
  });
  const web = await openWeb(parts, serving, login, kubeNames, known);
  started.started("web address", () => web.close());
  const api = await openApi(parts, { serving, login, authenticator, kubeNames, known });
  started.started("API server", (graceMs) => api.stop(graceMs));
  const { addrs, webUrl } = publishAddresses(parts, known, { api, tunnel, kube, web });
  const unfollow = authorities.onChange(async () => {
    // A step that drops a CA ends the open watches and execs of certificates it issued.
    void parts.sessions.recheck({});
    await followRotation({ ...parts, serving, servers: { kube, web, api }, tunnel: known.tunnel });
  });
  started.started("CA rotation follower", unfollow);
  const { admins } = authenticator;
  return {
    tunnel,
    api,
    kube,
    web,
    webUrl,
    addrs,
    tunnelAddr: known.tunnel.addr,
    kubeUrl: known.kubeUrl,
    admins,
  };
}

/** The SSH listener agents dial; each new tunnel is told the replicas and the hub's CAs. */
function openTunnel(
  parts: HubParts,
  hostIdentity: TunnelHostIdentity,
  known: Known,
): Promise<TunnelListener> {
  const { config, logger, store, authorities } = parts;
  return startTunnelListener({
    listen: config.tunnelListenAddr,
    hostIdentity,
    store,
    registry: parts.registry,
    clock: parts.clock,
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
}

function openKube(
  parts: HubParts,
  serving: ServingIdentities,
  kubeNames: KubeNames,
): Promise<KubeServer> {
  const { config, clock, store, authorities } = parts;
  const kubeLogger = parts.logger.child("kube");
  return startKubeServer({
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
    roleBook: parts.roleBook,
    audit: parts.audit,
    metrics: parts.metrics,
    registry: parts.registry,
    clock,
    logger: kubeLogger,
    replicaId: parts.replicaId,
  });
}

/** SSO callbacks and the web console. */
function openWeb(
  parts: HubParts,
  serving: ServingIdentities,
  login: LoginParts,
  kubeNames: KubeNames,
  known: Known,
): Promise<WebServer> {
  const { config, authorities } = parts;
  return startWebServer({
    listen: config.webListenAddr,
    identity: serving.current.identity,
    ssoLogins: login.ssoLogins,
    logger: parts.logger.child("web"),
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
}

/** The gRPC API: joins, logins, users' and admins' services. */
function openApi(
  parts: HubParts,
  deps: {
    serving: ServingIdentities;
    login: LoginParts;
    authenticator: PeerAuthenticator;
    kubeNames: KubeNames;
    known: Known;
  },
): Promise<ApiServer> {
  const { config, authorities, logger } = parts;
  const { serving, login, authenticator, kubeNames, known } = deps;
  return startApiServer({
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
}

/** Fills in the addresses services hand out, now that every listener has its port. */
function publishAddresses(
  parts: HubParts,
  known: Known,
  bound: { api: ApiServer; tunnel: TunnelListener; kube: KubeServer; web: WebServer },
): { addrs: Addresses; webUrl: string } {
  const { config } = parts;
  const addrs = addresses(config, bound.api.port);
  known.join = addrs.join;
  const tunnelHost = addrs.publicAddrs[0]?.host ?? "127.0.0.1";
  known.tunnel.addr = formatHostPort(
    config.tunnelPublicAddr ?? { host: tunnelHost, port: bound.tunnel.port },
  );
  known.kubeUrl = `https://${formatHostPort(
    config.kubePublicAddr ?? { host: tunnelHost, port: bound.kube.port },
  )}`;
  const webUrl = `https://${formatHostPort(
    config.webPublicAddr ?? { host: tunnelHost, port: bound.web.port },
  )}`;
  known.loginCallbackUrl = `${webUrl}${LOGIN_CALLBACK_PATH}`;
  return { addrs, webUrl };
}
