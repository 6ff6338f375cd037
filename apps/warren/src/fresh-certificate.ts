import type { LoginResult } from "@warren/proto";

import { WarrenError, WarrenErrorCode } from "./errors.js";
import type { UserProfile } from "./profile/user-profile.js";

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
 * login session lasts; after it, the person must log in again. A fresh one needs nothing
 * loaded or sent: kubectl runs this for every command.
 */
export async function freshCertificate(
  env: NodeJS.ProcessEnv,
  profile: UserProfile,
  now: Date,
): Promise<UserProfile> {
  if (profile.certificateExpiresAtMs - now.getTime() > RENEW_BEFORE_MS) return profile;
  if (profile.sessionExpiresAtMs <= now.getTime()) throw sessionOver(profile);
  const { renewLogin } = await import("./renew-login.js");
  return renewLogin(env, profile);
}
