import { status, type handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { identityUri } from "@warren/identity";
import { issueCertificate, readCertificate } from "@warren/pki";
import type { SignUserCertificateRequest, SignUserCertificateResponse } from "@warren/proto";
import { resolveKubeAccess } from "@warren/rbac";
import { lockInForce, type HubStore, type UserRecord } from "@warren/store";

import type { HubAuthorities } from "../ca/hub-authorities.js";
import { refuse, Refusal } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import { requestPublicKey } from "../join/agent-certificate.js";
import { listClusters } from "../kube/cluster-directory.js";
import type { KubeNames } from "../kube/kube-names.js";
import type { RoleBook } from "../kube/user-roles.js";

export interface UserCertificateAdminDeps extends AdminHandlerDeps {
  store: HubStore;
  roleBook: RoleBook;
  authorities: HubAuthorities;
  userCertificateTtlMs: number;
  userCertificateMaxTtlMs: number;
  /** https://host:port of the kube endpoint (known once it listens). */
  kubeUrl: () => string;
  kubeNames: KubeNames;
}

const noClusters = (message: string) =>
  new Refusal(status.FAILED_PRECONDITION, RefusalReason.NotAllowed, message);

async function reachableClusters(
  deps: UserCertificateAdminDeps,
  request: SignUserCertificateRequest,
  user: UserRecord,
): Promise<string[]> {
  const roles = await deps.roleBook.rolesOf(user);
  const clusters = (await listClusters(deps.store)).filter(
    (c) => request.cluster === "" || c.name === request.cluster,
  );
  if (request.cluster !== "" && clusters.length === 0)
    throw refuse.notFound(`there is no cluster ${request.cluster} (see warrenctl clusters ls)`);
  const decisions = clusters.map((cluster) => ({
    cluster,
    access: resolveKubeAccess({ user: user.name, roles, cluster }),
  }));
  const reachable = decisions.filter((d) => d.access.allowed).map((d) => d.cluster.name);
  if (reachable.length > 0) return reachable;
  const first = decisions[0]?.access;
  throw noClusters(
    first && !first.allowed
      ? `user ${user.name} may not reach ${request.cluster || "any cluster"}: ${first.reason}`
      : "no cluster has joined this hub yet: join one first (warrenctl tokens add --type kube)",
  );
}

export function signUserCertificateHandler(
  deps: UserCertificateAdminDeps,
): handleUnaryCall<SignUserCertificateRequest, SignUserCertificateResponse> {
  const { authorities, clock, logger } = deps;
  return adminHandler(
    deps,
    "SignUserCertificate",
    async (call, admin) => {
      const { request } = call;
      const user = await deps.store.users.get(request.user);
      if (!user) throw refuse.notFound(`there is no user ${request.user} (see warrenctl users ls)`);
      if (lockInForce(user.lock, clock.now())) {
        throw noClusters(
          `user ${user.name} is locked (${user.lock.reason || "no reason given"}): ` +
            `lift it first with warrenctl users unlock ${user.name}`,
        );
      }
      const clusters = await reachableClusters(deps, request, user);
      const requestedTtl = request.ttlMs === 0 ? deps.userCertificateTtlMs : request.ttlMs;
      const ttl = Math.min(requestedTtl, deps.userCertificateMaxTtlMs);
      const certificatePem = issueCertificate({
        ca: authorities.view.clientIssuer,
        publicKeyPem: requestPublicKey(request.csrPem),
        subject: { commonName: request.user },
        // The uid ties the certificate to this user: not to a later one of the same name.
        uris: [identityUri({ kind: "user", name: user.name, uid: user.uid })],
        usages: ["clientAuth"],
        validityMs: ttl,
        now: clock.now(),
      });
      const expiresAt = readCertificate(certificatePem).notAfter;
      logger.info(
        { user: request.user, admin, clusters, expiresAt: expiresAt.toISOString() },
        "user certificate signed",
      );
      return {
        certificatePem,
        caCertificatePems: authorities.view.trusted,
        kubeUrl: deps.kubeUrl(),
        clusters,
        expiresAtUnixMs: expiresAt.getTime(),
        ttlCapped: requestedTtl > ttl,
        hubName: deps.kubeNames.hubName,
        kubeServerName: deps.kubeNames.kubeServerName,
      };
    },
    (request) => ({
      verb: "sign",
      resource: "certificates",
      name: request.user,
      cluster: request.cluster,
    }),
  );
}
