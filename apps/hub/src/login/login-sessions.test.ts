import { createCertificateAuthority, generateKeyPair } from "@warren/pki";
import type { UserRecord } from "@warren/store";
import { describe, expect, it } from "vitest";

import { LoginSessions, type LoginSessionsOptions } from "./login-sessions.js";

const HOUR_MS = 3_600_000;

describe("LoginSessions.issue", () => {
  it("issues nothing for a session that ended between being read and the renewal", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const ca = await createCertificateAuthority({
      subject: { commonName: "hub" },
      validityMs: HOUR_MS,
      now,
    });
    // Only what issue() reads: the signing CA, the clock and the names it returns.
    const options = {
      authorities: { view: { clientIssuer: ca, trusted: [ca.certificatePem] } },
      clock: { now: () => now },
      certificateTtlMs: HOUR_MS,
      kubeNames: { hubName: "hub", kubeServerName: "kube.hub" },
      kubeUrl: () => "https://127.0.0.1:1",
    } as unknown as LoginSessionsOptions;
    const sessions = new LoginSessions(options);
    const { publicKeyPem } = await generateKeyPair();
    const session = {
      id: "s1",
      user: "ann",
      uid: "u1",
      method: "password",
      publicKeyPem,
      createdAt: new Date(now.getTime() - HOUR_MS),
      expiresAt: now,
      source: "test",
    };
    const user = { name: "ann", uid: "u1", roles: [] } as unknown as UserRecord;
    expect(sessions.issue(session, user)).toBeUndefined();
    const open = { ...session, expiresAt: new Date(now.getTime() + 1000) };
    expect(sessions.issue(open, user)?.certificateExpiresAtUnixMs).toBe(now.getTime() + 1000);
  });
});
