import {
  adminProfilePath,
  HubClientError,
  readAdminProfile,
  writeAdminProfile,
} from "@warren/hub-client";
import { identityUri } from "@warren/identity";
import { errorFields, type Logger } from "@warren/log";
import {
  generateKeyPair,
  issueCertificate,
  PkiError,
  readCertificate,
  verifyIssuedBy,
} from "@warren/pki";

import type { Clock } from "../clock.js";
import { issuedAt, type AdminIdentities } from "../grpc/admin-identities.js";
import type { HubAuthorities } from "./hub-authorities.js";

export const LOCAL_ADMIN_NAME = "local-admin";

export interface EnsureAdminProfileOptions {
  dataDir: string;
  authorities: HubAuthorities;
  /** Where warrenctl on this machine reaches the hub. */
  hubAddr: string;
  certificateTtlMs: number;
  clock: Clock;
  logger: Logger;
  admins: AdminIdentities;
}

async function usableCertificate(
  options: EnsureAdminProfileOptions,
  path: string,
): Promise<{ certificatePem: string; privateKeyPem: string } | undefined> {
  try {
    const profile = await readAdminProfile(path);
    const now = options.clock.now();
    // From the CA that signs clients now: a CA rotation's update_clients re-issues it.
    verifyIssuedBy(
      profile.certificatePem,
      options.authorities.view.clientIssuer.certificatePem,
      now,
    );
    const certificate = readCertificate(profile.certificatePem);
    const revokedAt = (await options.admins.get(LOCAL_ADMIN_NAME))?.revokedAt;
    if (revokedAt && issuedAt(certificate.notBefore) <= revokedAt) return undefined;
    const remainingMs = certificate.notAfter.getTime() - now.getTime();
    const { certificatePem, privateKeyPem } = profile;
    return remainingMs > options.certificateTtlMs / 3
      ? { certificatePem, privateKeyPem }
      : undefined;
  } catch (error) {
    if (error instanceof HubClientError || error instanceof PkiError) return undefined;
    throw error;
  }
}

/**
 * Writes the admin profile warrenctl on this machine uses: the hub's address and CAs, and an
 * admin certificate, re-issued when missing, from a CA that does not sign clients now, or past
 * two thirds of its life. Run at start and whenever a CA rotation moves.
 */
export async function ensureAdminProfile(options: EnsureAdminProfileOptions): Promise<string> {
  const path = adminProfilePath(options.dataDir);
  let credentials = await usableCertificate(options, path);
  if (!credentials) {
    const keys = await generateKeyPair();
    const certificatePem = issueCertificate({
      ca: options.authorities.view.clientIssuer,
      publicKeyPem: keys.publicKeyPem,
      subject: { commonName: LOCAL_ADMIN_NAME },
      uris: [identityUri({ kind: "admin", name: LOCAL_ADMIN_NAME })],
      usages: ["clientAuth"],
      validityMs: options.certificateTtlMs,
      now: options.clock.now(),
    });
    credentials = { certificatePem, privateKeyPem: keys.privateKeyPem };
    await options.admins.issued(LOCAL_ADMIN_NAME, options.clock.now());
    options.logger.info({ path }, "issued the local admin certificate");
  }
  await writeAdminProfile(path, {
    hubAddr: options.hubAddr,
    caPem: options.authorities.trustedPem,
    ...credentials,
  });
  return path;
}

/**
 * The local admin profile, written now and again whenever a CA rotation moves (warrenctl on
 * this machine follows it: its certificate and the CAs it trusts). `stop` stops following.
 */
export async function keepAdminProfile(
  options: EnsureAdminProfileOptions,
): Promise<{ path: string; stop: () => void }> {
  const path = await ensureAdminProfile(options);
  const stop = options.authorities.onChange(async () => {
    await ensureAdminProfile(options).catch((error: unknown) => {
      options.logger.warn(errorFields(error), "could not refresh the local admin profile");
    });
  });
  return { path, stop };
}
