import { createCertificateAuthority, generateKeyPair, issueCertificate } from "@warren/pki";
import { describe, expect, it } from "vitest";

import {
  formatLabels,
  parseLabels,
  validateClusterName,
  validatePrincipalName,
} from "./cluster-labels.js";
import { IdentityErrorCode } from "./errors.js";
import {
  identityUri,
  parseIdentityUri,
  readIdentity,
  type WarrenIdentity,
} from "./warren-identity.js";

const agent: WarrenIdentity = {
  kind: "agent",
  agentId: "4b7c0d2e-0000-4000-8000-000000000001",
  clusterName: "prod-eu",
};

describe("Warren identities", () => {
  it.each<WarrenIdentity>([
    agent,
    { kind: "admin", name: "root" },
    { kind: "admin", name: "warren-operator", scope: "resources" },
    { kind: "user", name: "alice@x", uid: "7f1c2b" },
    { kind: "user", name: "old-bob", uid: "" },
    { kind: "user", name: "carol", uid: "u9", session: "s-1" },
  ])("round-trip through their URI: %o", (identity) => {
    expect(parseIdentityUri(identityUri(identity))).toEqual(identity);
  });

  it("refuse an admin scope they do not know rather than treat it as a full admin", () => {
    expect(() => parseIdentityUri("warren://admin/x?scope=everything")).toThrow(
      expect.objectContaining({ code: IdentityErrorCode.MalformedIdentity }) as Error,
    );
  });

  it("read certificates from before: an agent's labels are ignored, a user without uid has none", () => {
    expect(parseIdentityUri("warren://agent/a1?cluster=dev&label.env=prod")).toEqual({
      kind: "agent",
      agentId: "a1",
      clusterName: "dev",
    });
    expect(parseIdentityUri("warren://user/bob")).toEqual({ kind: "user", name: "bob", uid: "" });
  });

  it("are read from the certificate the hub signs", async () => {
    const ca = await createCertificateAuthority({
      subject: { commonName: "ca" },
      validityMs: 60_000,
    });
    const keys = await generateKeyPair();
    const issue = (uris: string[]) =>
      issueCertificate({
        ca,
        publicKeyPem: keys.publicKeyPem,
        subject: { commonName: "x" },
        usages: ["clientAuth"],
        validityMs: 60_000,
        uris,
      });
    expect(readIdentity(issue([identityUri(agent)]))).toEqual(agent);
    expect(() => readIdentity(issue([]))).toThrow(
      expect.objectContaining({ code: IdentityErrorCode.MissingIdentity }),
    );
  });

  it.each(["https://agent/x", "warren://robot/x", "warren://agent/x", "warren://user/"])(
    "refuses %s",
    (uri) => {
      expect(() => parseIdentityUri(uri)).toThrow(
        expect.objectContaining({ code: IdentityErrorCode.MalformedIdentity }),
      );
    },
  );
});

describe("cluster names and labels", () => {
  it("accept Kubernetes-style names and labels", () => {
    expect(validateClusterName("prod-eu.1")).toBe("prod-eu.1");
    expect(parseLabels("env=prod, example.com/team=a,empty=")).toEqual({
      env: "prod",
      "example.com/team": "a",
      empty: "",
    });
    expect(formatLabels({ b: "2", a: "1" })).toBe("a=1,b=2");
  });

  it("accept people's names with e-mail characters and refuse others", () => {
    expect(validatePrincipalName("alice.smith@example.com")).toBe("alice.smith@example.com");
    for (const bad of ["", "-x", "a b", "a/b", "a".repeat(65)]) {
      expect(() => validatePrincipalName(bad)).toThrow(
        expect.objectContaining({ code: IdentityErrorCode.InvalidName }),
      );
    }
  });

  it.each([["Prod"], ["-x"], [""], ["a".repeat(64)]])("refuse cluster name %j", (name) => {
    expect(() => validateClusterName(name)).toThrow(
      expect.objectContaining({ code: IdentityErrorCode.InvalidClusterName }),
    );
  });

  it.each([["env"], ["=x"], ["env=has space"], ["bad key=x"], ["UPPER.example/x=y"]])(
    "refuse labels %j with a reason",
    (text) => {
      expect(() => parseLabels(text)).toThrow(
        expect.objectContaining({ code: IdentityErrorCode.InvalidLabels }),
      );
    },
  );
});
