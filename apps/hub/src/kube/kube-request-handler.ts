import { randomUUID } from "node:crypto";
import type { TLSSocket } from "node:tls";

import { forwardableHeaders, headerLines, requestAttributes, type HeaderLine } from "@warren/kube";
import { errorFields } from "@warren/log";
import { StoreError, StoreErrorCode } from "@warren/store";

import type { Clock } from "../clock.js";
import { clusterNamed } from "./access-decision.js";
import { relayHttp } from "./http-relay.js";
import {
  admitKubeRequest,
  isLongRunning,
  type AdmittedKubeRequest,
  type KubeAdmissionDeps,
} from "./kube-admission.js";
import {
  recordKubeRequest,
  recordKubeStart,
  type KubeAuditDeps,
  type KubeOutcome,
  type KubeRequestRecord,
} from "./kube-audit.js";
import type { AuthenticatedCaller, KubeAuthenticator } from "./kube-authenticator.js";
import { exchangeSocket, writeRefusal, type KubeExchange } from "./kube-exchange.js";
import { clientClosed, isClientClosed, KubeRefusal } from "./kube-refusal.js";
import { readCreateBody } from "./create-name.js";
import { clusterOfServerName, type KubeNames } from "./kube-names.js";
import { kubeRoute } from "./kube-route.js";
import type { SessionBook } from "./kube-sessions.js";
import type { UnauthenticatedLog } from "./unauthenticated-log.js";
import { relayUpgrade, type RecordingStart } from "./upgrade-relay.js";
import { recordingOf } from "./session-recording.js";

export interface KubeHandlerDeps extends KubeAdmissionDeps, KubeAuditDeps {
  authenticator: KubeAuthenticator;
  sessions: SessionBook;
  unauthenticated: UnauthenticatedLog;
  clock: Clock;
  kubeNames: KubeNames;
  /** This replica, named in the sessions it records. */
  replicaId: string;
}

/**
 * A hub refusal as it is; a store that cannot be reached is 503 naming it (the replica is not
 * ready, another may serve); anything else is a bug, logged, and a bare 502.
 */
function asRefusal(deps: KubeHandlerDeps, error: unknown): KubeRefusal {
  if (error instanceof KubeRefusal) return error;
  if (error instanceof StoreError && error.code === StoreErrorCode.Unavailable) {
    deps.logger.warn(errorFields(error), "a kube request failed: the store is unavailable");
    // No Retry-After: client-go would retry for a minute before showing anything.
    return new KubeRefusal(503, `warren-hub cannot serve this request: ${error.message}`);
  }
  deps.logger.error(errorFields(error), "unexpected error handling a kube request");
  return new KubeRefusal(502, "internal error in warren-hub; see its log");
}

/** Relays an admitted request as long as its session holds; resolves with the status sent. */
async function relay(
  exchange: KubeExchange,
  admitted: AdmittedKubeRequest,
  headers: readonly HeaderLine[],
  signal: AbortSignal,
  record: RecordingStart | undefined,
): Promise<number> {
  const forwarded = forwardableHeaders(headers, exchange.kind === "upgrade");
  return exchange.kind === "http"
    ? relayHttp(admitted, exchange.req, exchange.res, forwarded, signal)
    : relayUpgrade(
        admitted,
        exchange.req,
        exchange.socket,
        exchange.head,
        forwarded,
        signal,
        record,
      );
}

/** Everything after authentication: route, admission, the session, the relay. */
async function serveAuthenticated(
  deps: KubeHandlerDeps,
  exchange: KubeExchange,
  record: KubeRequestRecord,
  authenticated: AuthenticatedCaller,
  abort: AbortController,
): Promise<KubeOutcome> {
  const serverName = (exchangeSocket(exchange) as TLSSocket).servername;
  const route = kubeRoute(
    exchange.req.url ?? "/",
    clusterOfServerName(serverName, deps.kubeNames.kubeServerName),
  );
  record.cluster = route.cluster;
  record.path = route.path;
  const headers = headerLines(exchange.req.rawHeaders);
  const attributes = requestAttributes(record.method, route.path);
  const cluster = await clusterNamed(deps, authenticated.user, route.cluster);
  record.clusterKnown = true;
  const admitted = await admitKubeRequest(deps, authenticated, cluster, {
    requestId: record.requestId,
    attributes,
    route,
    headers,
    longRunning: isLongRunning(record.method, attributes.verb, route, exchange.kind === "upgrade"),
    ...(exchange.kind === "http"
      ? { readBody: () => readCreateBody(exchange.req, abort.signal) }
      : {}),
  });
  record.kubernetesUser = admitted.kubernetesUser;
  record.kubernetesGroups = admitted.kubernetesGroups;
  const close = deps.sessions.open({
    caller: authenticated.caller,
    cluster: route.cluster,
    requested: admitted.requested,
    kubernetesUser: admitted.kubernetesUser,
    kubernetesGroups: admitted.kubernetesGroups,
    ...(admitted.resource ? { resource: admitted.resource } : {}),
    ...(admitted.filter ? { filter: admitted.filter } : {}),
    end: (refusal) => {
      abort.abort(refusal);
    },
  });
  try {
    if (admitted.longRunning) await recordKubeStart(deps, record);
    const recording =
      exchange.kind === "upgrade"
        ? recordingOf(deps, record, admitted, attributes, abort)
        : undefined;
    const status = await relay(exchange, admitted, headers, abort.signal, recording);
    // A client that left is no refusal: the request was served as long as it stayed.
    const ended: unknown = abort.signal.reason;
    const reason = ended instanceof KubeRefusal && !isClientClosed(ended) ? ended.message : "";
    return { status, reason };
  } finally {
    close();
  }
}

function abortWhenClientLeaves(exchange: KubeExchange, abort: AbortController): void {
  const leave = () => {
    abort.abort(clientClosed());
  };
  if (exchange.kind === "upgrade") {
    exchange.socket.once("close", leave);
    return;
  }
  const { res } = exchange;
  res.once("close", () => {
    if (!res.writableFinished) leave();
  });
}

/**
 * One kubectl request: authenticated first (a caller without a usable certificate is refused
 * and only summed up in the log: nothing of it is recorded), then routed, authorized, relayed
 * through an agent, and audited.
 */
export async function handleKubeRequest(
  deps: KubeHandlerDeps,
  exchange: KubeExchange,
): Promise<void> {
  const socket = exchangeSocket(exchange) as TLSSocket;
  let authenticated: AuthenticatedCaller;
  try {
    authenticated = await deps.authenticator.authenticate(socket);
  } catch (error) {
    const refusal = asRefusal(deps, error);
    deps.unauthenticated.refused(socket.remoteAddress ?? "", refusal.message);
    deps.metrics?.kubeUnauthenticated.inc();
    writeRefusal(exchange, refusal);
    return;
  }
  const record: KubeRequestRecord = {
    requestId: randomUUID(),
    startedAt: deps.clock.now(),
    startedMs: performance.now(),
    method: exchange.req.method ?? "GET",
    source: socket.remoteAddress ?? "",
    user: authenticated.user.name,
    cluster: "",
    clusterKnown: false,
    path: "",
    kubernetesUser: "",
    kubernetesGroups: [],
  };
  // One controller per request, passed down to the agent's call to the API server: aborted
  // when the client leaves, or with the refusal when the user's access ends.
  const abort = new AbortController();
  abortWhenClientLeaves(exchange, abort);
  deps.metrics?.kubeStreams.inc();
  try {
    const outcome = await serveAuthenticated(deps, exchange, record, authenticated, abort);
    recordKubeRequest(deps, record, outcome);
  } catch (error) {
    const refusal = asRefusal(deps, error);
    writeRefusal(exchange, refusal);
    recordKubeRequest(deps, record, { status: refusal.httpStatus, reason: refusal.message });
  } finally {
    deps.metrics?.kubeStreams.dec();
  }
}
