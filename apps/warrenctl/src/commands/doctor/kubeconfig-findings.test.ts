import { generateKeyPairSync } from "node:crypto";

import { identityUri } from "@warren/identity";
import {
  createCertificateAuthority,
  issueCertificate,
  type CertificateAuthority,
} from "@warren/pki";
import { describe, expect, it } from "vitest";

import { kubeconfigFindings, type HubFacts } from "./kubeconfig-findings.js";
import type { KubeconfigUse } from "./kubeconfig-use.js";

const HOUR_MS = 3_600_000;
const NOW = new Date("2026-12-01T12:00:00Z");

async function ca(name: string): Promise<CertificateAuthority> {
  return createCertificateAuthority({
    subject: { commonName: name },
    validityMs: 100 * HOUR_MS,
    now: new Date(NOW.getTime() - HOUR_MS),
  });
}

/** A user's kubeconfig entry for `name`, signed by `by` at `at`. */
function userUse(by: CertificateAuthority, name: string, at = NOW) {
  const keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const certificatePem = issueCertificate({
    ca: by,
    publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
    subject: { commonName: name },
    usages: ["clientAuth"],
    uris: [identityUri({ kind: "user", name, uid: "u1" })],
    validityMs: HOUR_MS,
    now: at,
  });
  const keyPem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { name, certificatePem, keyPem };
}

function use(hub: HubFacts, user: KubeconfigUse["user"]): KubeconfigUse {
  return {
    context: "warren-one",
    cluster: {
      name: "one",
      server: `${hub.kubeUrl}/k8s/one`,
      caPem: hub.trustedCaPems[0],
      serverName: undefined,
      insecure: false,
    },
    user,
  };
}

describe("doctor's checks of a kubeconfig's user", () => {
  it("names a certificate from a CA a rotation dropped, apart from a foreign one", async () => {
    const [old, current, foreign] = await Promise.all([ca("old"), ca("new"), ca("elsewhere")]);
    const hub: HubFacts = {
      kubeUrl: "https://127.0.0.1:8443",
      trustedCaPems: [current.certificatePem],
      retiredCaPems: [old.certificatePem],
      clusterNames: ["one"],
      kubeServerName: "",
      users: [
        {
          name: "kim",
          roles: [],
          createdAtUnixMs: 0,
          updatedAtUnixMs: 0,
          lock: undefined,
          origin: "",
          hasPassword: false,
          labels: {},
        },
      ],
    };
    const problems = (by: CertificateAuthority, at?: Date) =>
      kubeconfigFindings(use(hub, userUse(by, "kim", at)), hub, NOW).map((f) => f.problem);
    expect(problems(current)).toEqual([]);
    expect(problems(old)).toEqual([
      expect.stringMatching(
        /^its client certificate is from a CA a rotation of the hub's CA dropped \(sha256:/,
      ),
    ]);
    expect(problems(foreign)).toEqual([
      "its client certificate is from a CA this hub does not trust (another hub, or this one was recreated)",
    ]);
    expect(problems(current, new Date(NOW.getTime() + 10 * 60_000))).toEqual([
      "its client certificate is not valid until 2026-12-01T12:05:00.000Z (a clock is wrong)",
    ]);
    // Warren's credential plugin hands kubectl its certificate: nothing to check in the file.
    expect(
      kubeconfigFindings(use(hub, { name: "kim", execCommand: "/usr/local/bin/warren" }), hub, NOW),
    ).toEqual([]);
  });
});
