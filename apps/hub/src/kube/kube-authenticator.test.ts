import { X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";

import { identityUri } from "@warren/identity";
import { createCertificateAuthority, generateKeyPair, issueCertificate } from "@warren/pki";
import { openSqliteStore, type HubStore } from "@warren/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { KubeAuthenticator } from "./kube-authenticator.js";
import { KubeRefusal } from "./kube-refusal.js";

const HOUR_MS = 3_600_000;
let dir: string;
let store: HubStore;
const START = new Date("2026-06-01T00:00:00Z");
let now = START;
const clock = { now: () => now };

beforeEach(async () => {
  now = START;
  dir = await mkdtemp(join(tmpdir(), "kube-authenticator-"));
  store = openSqliteStore({ path: join(dir, "hub.db") });
  await store.users.create({
    name: "alice",
    uid: "uid-1",
    roles: ["dev"],
    lock: undefined,
    origin: "",
    traits: {},
    createdAt: now,
    updatedAt: now,
  });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A connection presenting `pem`, counting how often its certificate is read. */
function connection(pem: string) {
  const socket = { reads: 0, getPeerX509Certificate: () => undefined as unknown };
  socket.getPeerX509Certificate = () => {
    socket.reads++;
    return new X509Certificate(pem);
  };
  return socket as typeof socket & TLSSocket;
}

async function userCertificate(name: string, validityMs: number, uid = "uid-1") {
  const ca = await createCertificateAuthority({ subject: { commonName: "ca" }, validityMs, now });
  const keys = await generateKeyPair();
  const pem = issueCertificate({
    ca,
    publicKeyPem: keys.publicKeyPem,
    subject: { commonName: name },
    uris: [identityUri({ kind: "user", name, uid })],
    usages: ["clientAuth"],
    validityMs,
    now,
  });
  return { caPem: ca.certificatePem, pem };
}

/** Trust in one CA, as the hub hands it over: the same object until it changes. */
const trusting = (caPem: string) => {
  const trust = { pem: caPem, retired: [] };
  return () => trust;
};

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeRefusal);
  return error as KubeRefusal;
};

describe("KubeAuthenticator", () => {
  it("verifies a connection's certificate once, and still checks expiry on every request", async () => {
    const { caPem, pem } = await userCertificate("alice", HOUR_MS);
    const authenticator = new KubeAuthenticator(trusting(caPem), store, clock);
    const socket = connection(pem);
    expect((await authenticator.authenticate(socket)).user.name).toBe("alice");
    expect((await authenticator.authenticate(socket)).caller.uid).toBe("uid-1");
    expect(socket.reads).toBe(1);
    now = new Date(now.getTime() + 2 * HOUR_MS);
    const expired = await refusal(authenticator.authenticate(socket));
    expect(expired.httpStatus).toBe(401);
    expect(expired.message).toContain("your client certificate expired at");
    expect(expired.message).toContain("warrenctl auth sign");
  });

  it("refuses the next request once the user is removed, on the same connection", async () => {
    const { caPem, pem } = await userCertificate("alice", HOUR_MS);
    const authenticator = new KubeAuthenticator(trusting(caPem), store, clock);
    const socket = connection(pem);
    await authenticator.authenticate(socket);
    await store.users.delete("alice");
    const gone = await refusal(authenticator.authenticate(socket));
    expect(gone.message).toContain("user alice no longer exists on this hub");
  });

  it("refuses a certificate signed for an earlier user of the same name", async () => {
    const { caPem, pem } = await userCertificate("alice", HOUR_MS, "uid-of-the-deleted-alice");
    const authenticator = new KubeAuthenticator(trusting(caPem), store, clock);
    const stale = await refusal(authenticator.authenticate(connection(pem)));
    expect(stale.httpStatus).toBe(401);
    expect(stale.message).toContain("signed for an earlier user named alice");
    expect(stale.message).toContain("warrenctl auth sign --user alice");
  });

  it("refuses a certificate from another CA on every request", async () => {
    const { pem } = await userCertificate("alice", HOUR_MS);
    const other = await userCertificate("alice", HOUR_MS);
    const authenticator = new KubeAuthenticator(trusting(other.caPem), store, clock);
    const socket = connection(pem);
    for (let i = 0; i < 2; i++) {
      const foreign = await refusal(authenticator.authenticate(socket));
      expect(foreign.message).toContain("was not issued by this hub's CA");
    }
  });

  it("verifies a connection again when the trusted CAs change, and names a retired CA", async () => {
    const { caPem, pem } = await userCertificate("alice", HOUR_MS);
    const successor = await userCertificate("alice", HOUR_MS);
    let trusted = { pem: caPem + successor.caPem, retired: [] as string[] };
    const authenticator = new KubeAuthenticator(() => trusted, store, clock);
    const socket = connection(pem);
    expect((await authenticator.authenticate(socket)).user.name).toBe("alice");
    // The rotation ends: only the successor is trusted, the old CA is retired.
    trusted = { pem: successor.caPem, retired: [caPem] };
    const retired = await refusal(authenticator.authenticate(socket));
    expect(retired.httpStatus).toBe(401);
    expect(retired.message).toMatch(
      /^your client certificate is from a CA that a rotation of the hub's CA dropped \(sha256:[0-9a-f]{64}\): get a new kubeconfig with warrenctl auth sign --user alice/,
    );
    expect(socket.reads).toBe(2);
  });
});
