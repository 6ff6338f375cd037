import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { kubeconfigPath } from "./commands/kube-login.js";
import { warren } from "./main.js";
import { writeProfile, type UserProfile } from "./profile/user-profile.js";

let home: string;
const NOW = new Date("2026-12-01T10:00:00Z");

const profile = (overrides: Partial<UserProfile> = {}): UserProfile => ({
  hubAddr: "hub.example:3025",
  caPem: "CA",
  user: "alice",
  roles: ["dev"],
  sessionId: "s1",
  sessionExpiresAtMs: NOW.getTime() + 8 * 3_600_000,
  certificatePem: "CERT",
  certificateExpiresAtMs: NOW.getTime() + 3_600_000,
  privateKeyPem: "KEY",
  kubeUrl: "https://hub.example:3026",
  hubName: "hub",
  kubeServerName: "kube.warren.internal",
  ...overrides,
});

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await warren(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { WARREN_HOME: home },
    now: () => NOW,
  });
  return { code, stdout, stderr };
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "warren-cli-"));
});
afterEach(() => rm(home, { recursive: true, force: true }));

describe("warren kube credentials", () => {
  it("prints an ExecCredential kubectl reads, with the certificate's expiry", async () => {
    await writeProfile({ WARREN_HOME: home }, profile());
    const { code, stdout } = await run(["kube", "credentials", "--hub", "hub.example:3025"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      status: {
        clientCertificateData: "CERT",
        clientKeyData: "KEY",
        expirationTimestamp: "2026-12-01T11:00:00Z",
      },
    });
  });

  it("says to log in again once the login session is over, without calling the hub", async () => {
    await writeProfile(
      { WARREN_HOME: home },
      profile({ sessionExpiresAtMs: NOW.getTime() - 1, certificateExpiresAtMs: NOW.getTime() - 1 }),
    );
    const { code, stderr } = await run(["kube", "credentials", "--hub", "hub.example:3025"]);
    expect(code).toBe(1);
    expect(stderr).toContain("your login to hub.example:3025 as alice has ended: run warren login");
  });

  it("says how to log in when this machine never did", async () => {
    const { code, stderr } = await run(["kube", "credentials", "--hub", "other.example"]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "not logged in to other.example:3025: run warren login --hub other.example:3025",
    );
  });
});

describe("kubeconfigPath", () => {
  it("is the first of KUBECONFIG, else ~/.kube/config", () => {
    expect(kubeconfigPath({ KUBECONFIG: "/a:/b", HOME: "/h" })).toBe("/a");
    expect(kubeconfigPath({ HOME: "/h" })).toBe("/h/.kube/config");
  });
});
