import { createPublicKey } from "node:crypto";

import { createCertificateRequest } from "@warren/pki";
import type { LoginResult } from "@warren/proto";

import { WarrenError, WarrenErrorCode } from "./errors.js";
import { callHub, loginClient } from "./hub-calls.js";
import { writeProfile, type UserProfile } from "./profile/user-profile.js";

/** Renew a little before expiry, so a kubectl request never starts with a dying certificate. */
const RENEW_BEFORE_MS = 60_000;

/** The profile updated with what a login or renewal returned. */
export const withLogin = (profile: UserProfile, login: LoginResult): UserProfile => ({
  ...profile,
  user: login.user,
  roles: login.roles,
  sessionId: login.sessionId,
  sessionExpiresAtMs: login.sessionExpiresAtUnixMs,
  certificatePem: login.certificatePem,
  certificateExpiresAtMs: login.certificateExpiresAtUnixMs,
  caPem: login.caCertificatePems.join(""),
  kubeUrl: login.kubeUrl,
  hubName: login.hubName,
  kubeServerName: login.kubeServerName,
});

export const sessionOver = (profile: UserProfile): WarrenError =>
  new WarrenError(
    WarrenErrorCode.SessionEnded,
    `your login to ${profile.hubAddr} as ${profile.user} has ended: run warren login --hub ${profile.hubAddr}`,
  );

/**
 * The profile with a certificate good for a while: renewed with the session's own key while the
 * login session lasts; after it, the person must log in again.
 */
export async function freshCertificate(
  env: NodeJS.ProcessEnv,
  profile: UserProfile,
  now: Date,
): Promise<UserProfile> {
  if (profile.certificateExpiresAtMs - now.getTime() > RENEW_BEFORE_MS) return profile;
  if (profile.sessionExpiresAtMs <= now.getTime()) throw sessionOver(profile);
  const client = loginClient(profile.hubAddr, profile.caPem);
  try {
    const publicKeyPem = createPublicKey(profile.privateKeyPem)
      .export({ type: "spki", format: "pem" })
      .toString();
    const csrPem = createCertificateRequest(
      { privateKeyPem: profile.privateKeyPem, publicKeyPem },
      profile.user,
    );
    const { login } = await callHub(profile.hubAddr, client.renewLogin.bind(client), {
      sessionId: profile.sessionId,
      csrPem,
    });
    if (!login) throw new Error("the hub answered a renewal without a certificate");
    const renewed = withLogin(profile, login);
    await writeProfile(env, renewed);
    return renewed;
  } catch (error) {
    if (error instanceof WarrenError && error.code === WarrenErrorCode.SessionEnded) {
      throw new WarrenError(
        WarrenErrorCode.SessionEnded,
        error.message.replace(/^the hub refused: /, ""),
        {
          cause: error,
        },
      );
    }
    throw error;
  } finally {
    client.close();
  }
}
