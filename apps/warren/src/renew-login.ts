import { createPublicKey } from "node:crypto";

import { createCertificateRequest } from "@warren/pki";

import { WarrenError, WarrenErrorCode } from "./errors.js";
import { withLogin } from "./fresh-certificate.js";
import { callHub, loginClient } from "./hub-calls.js";
import { writeProfile, type UserProfile } from "./profile/user-profile.js";

/** A new certificate for the session's key from the hub, written to the profile. */
export async function renewLogin(
  env: NodeJS.ProcessEnv,
  profile: UserProfile,
): Promise<UserProfile> {
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
