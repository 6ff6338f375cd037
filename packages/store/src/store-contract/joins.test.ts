import { expect, it } from "vitest";

import { another, describeStores, store } from "./contract-backends.js";
import { now, later, token, cluster, joining, outcomeOf } from "./contract-records.js";

// How agents join: the CA, join tokens, agents and their clusters.

describeStores("joins, tokens, agents and clusters", () => {
  it("keeps the first CA it is given, for every connection", async () => {
    const first = { certificatePem: "CERT1", privateKeyPem: "KEY1", createdAt: now };
    expect(await store.certificateAuthority.initialize(first)).toEqual(first);
    const second = { certificatePem: "CERT2", privateKeyPem: "KEY2", createdAt: later(1) };
    expect(await (await another()).certificateAuthority.initialize(second)).toEqual(first);
    expect(await store.certificateAuthority.get()).toEqual(first);
  });

  it("uses a token's joins one at a time and records nothing once none are left", async () => {
    await store.tokens.create(token({ usesTotal: 2, usesRemaining: 2 }));
    expect(await outcomeOf(store.agents.join(joining("a1")))).toBe("joined");
    expect(await outcomeOf(store.agents.join(joining("a2")))).toBe("joined");
    expect(await outcomeOf(store.agents.join(joining("a3")))).toBe("token_unavailable");
    expect((await store.agents.list()).map((a) => a.id)).toEqual(["a1", "a2"]);
    expect((await store.tokens.get("0123456789abcdef"))?.usesRemaining).toBe(0);
  });

  it("refuses a join with an expired or unknown token without writing", async () => {
    await store.tokens.create(token());
    expect(await outcomeOf(store.agents.join(joining("a1", later(60_000))))).toBe(
      "token_unavailable",
    );
    expect(await outcomeOf(store.agents.join(joining("a2", now, true, "ffffffffffffffff")))).toBe(
      "token_unavailable",
    );
    expect(await store.agents.list()).toEqual([]);
    expect(await store.clusters.list()).toEqual([]);
    expect((await store.tokens.get("0123456789abcdef"))?.usesRemaining).toBe(1);
  });

  it("lets only one of two connections use a single-use token", async () => {
    await store.tokens.create(token());
    const other = await another();
    const outcomes = await Promise.all([
      outcomeOf(store.agents.join(joining("a1"))),
      outcomeOf(other.agents.join(joining("a2"))),
    ]);
    expect(outcomes.sort()).toEqual(["joined", "token_unavailable"]);
    expect(await store.agents.list()).toHaveLength(1);
  });

  it("keeps the previous certificate serial on renewal and stops renewing once revoked", async () => {
    await store.tokens.create(token());
    await store.agents.join(joining("a1"));
    const renewal = {
      serial: "serial-2",
      certificatePem: "CERT-2",
      expiresAt: later(7_200_000),
      renewedAt: later(1000),
    };
    expect(await store.agents.recordRenewal("a1", renewal)).toBe(true);
    expect(await store.agents.get("a1")).toMatchObject({
      certificateSerial: "serial-2",
      previousCertificateSerial: "serial-a1",
      certificatePem: "CERT-2",
      previousCertificatePem: "CERT-a1",
      certificateExpiresAt: renewal.expiresAt,
      renewedAt: renewal.renewedAt,
    });
    expect(await store.agents.revoke("a1", later(2000))).toBe(true);
    expect(await store.agents.revoke("a1", later(3000))).toBe(false);
    expect(await store.agents.recordRenewal("a1", renewal)).toBe(false);
    expect((await store.agents.get("a1"))?.revokedAt).toEqual(later(2000));
  });

  it("keeps where an agent runs from its join, and what it says later", async () => {
    await store.tokens.create(token());
    await store.agents.join(joining("a1"));
    expect((await store.agents.get("a1"))?.placement).toEqual({
      namespace: "warren",
      pod: "warren-agent-0",
    });
    expect((await store.agents.get("a1"))?.labelKeys).toEqual(["tier"]);
    const moved = { namespace: "infra", pod: "edge-1", statefulSet: "edge", helmRelease: "edge" };
    expect(await store.agents.setPlacement("a1", moved)).toBe(true);
    expect((await store.agents.list())[0]?.placement).toEqual(moved);
    expect(await store.agents.setPlacement("nobody", moved)).toBe(false);
  });

  it("creates the cluster with the first join; later ones join it only when allowed", async () => {
    await store.tokens.create(token({ usesTotal: 3, usesRemaining: 3 }));
    expect(await store.agents.join(joining("a1"))).toEqual({
      outcome: "joined",
      cluster: cluster("dev"),
      created: true,
    });
    const second = { ...joining("a2", later(5)), cluster: cluster("dev", { env: "other" }) };
    expect(await store.agents.join(second)).toEqual({
      outcome: "joined",
      cluster: cluster("dev"),
      created: false,
    });
    expect(await store.agents.join(joining("a3", now, false))).toEqual({
      outcome: "cluster_exists",
    });
    expect((await store.tokens.get("0123456789abcdef"))?.usesRemaining).toBe(1);
    expect((await store.agents.list()).map((a) => a.id)).toEqual(["a1", "a2"]);
  });

  it("relabels a cluster, and removes it with every agent of it revoked", async () => {
    await store.tokens.create(token({ usesTotal: 2, usesRemaining: 2 }));
    await store.agents.join(joining("a1"));
    await store.agents.join(joining("a2"));
    expect(await store.clusters.setLabels("dev", { env: "prod" }, later(1))).toEqual({
      ...cluster("dev", { env: "prod" }),
      updatedAt: later(1),
    });
    expect(await store.clusters.setLabels("nope", {}, later(1))).toBeUndefined();
    expect(await store.agents.revoke("a1", later(2))).toBe(true);
    expect(await store.clusters.delete("dev", later(3))).toEqual(["a2"]);
    expect(await store.clusters.delete("dev", later(3))).toBeUndefined();
    expect((await store.agents.get("a2"))?.revokedAt).toEqual(later(3));
    expect((await store.agents.get("a1"))?.revokedAt).toEqual(later(2));
  });

  it("keeps a token's cluster, admin name and the label keys its agents may set", async () => {
    const bound = token({ clusterName: "prod", agentLabelKeys: ["region"] });
    await store.tokens.create(bound);
    const admin = token({ id: "aaaaaaaaaaaaaaaa", type: "admin", clusterName: undefined });
    await store.tokens.create({ ...admin, labels: {}, adminName: "alice" });
    expect(await store.tokens.get(bound.id)).toEqual(bound);
    expect(await store.tokens.get(admin.id)).toEqual({ ...admin, labels: {}, adminName: "alice" });
  });

  it("consumes a token's uses on its own, for admin enrolment", async () => {
    await store.tokens.create(token());
    expect(await store.tokens.consume("0123456789abcdef", later(60_000))).toBe(false);
    expect(await store.tokens.consume("0123456789abcdef", now)).toBe(true);
    expect(await store.tokens.consume("0123456789abcdef", now)).toBe(false);
  });

  it("lists, deletes and expires tokens", async () => {
    await store.tokens.create(token({ id: "aaaaaaaaaaaaaaaa", expiresAt: later(1000) }));
    await store.tokens.create(token({ id: "bbbbbbbbbbbbbbbb", expiresAt: later(5000) }));
    await store.tokens.create(token({ id: "cccccccccccccccc" }));
    expect(await store.tokens.deleteExpiredBefore(later(2000))).toBe(1);
    expect(await store.tokens.delete("bbbbbbbbbbbbbbbb")).toBe(true);
    expect(await store.tokens.delete("bbbbbbbbbbbbbbbb")).toBe(false);
    expect((await store.tokens.list()).map((t) => t.id)).toEqual(["cccccccccccccccc"]);
  });
});
