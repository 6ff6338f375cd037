import type { JoinTokenRecord } from "@warren/store";
import { describe, expect, it } from "vitest";

import { JoinRefusals, type RefusedJoin } from "./join-refusals.js";

const token = (id: string, clusterName = "dev"): JoinTokenRecord => ({
  id,
  type: "kube",
  secretHash: "00",
  expiresAt: new Date(0),
  usesTotal: 1,
  usesRemaining: 0,
  labels: {},
  clusterName,
  agentLabelKeys: [],
  adminName: undefined,
  createdAt: new Date(0),
});

const refused = (overrides: Partial<RefusedJoin>): RefusedJoin => ({
  token: token("t1"),
  reason: "token_used_up",
  message: "used up",
  peer: "10.0.0.1",
  requestedCluster: "dev",
  at: new Date(1000),
  ...overrides,
});

describe("JoinRefusals", () => {
  it("counts refusals by token and reason, under the cluster the token names", () => {
    const refusals = new JoinRefusals();
    refusals.record(refused({}));
    refusals.record(refused({ at: new Date(2000), requestedCluster: "x".repeat(500) }));
    expect(refusals.list()).toEqual([
      expect.objectContaining({
        tokenId: "t1",
        clusterName: "dev",
        requestedClusterName: "x".repeat(63),
        count: 2,
        firstAtUnixMs: 1000,
        lastAtUnixMs: 2000,
      }),
    ]);
  });

  it("lets one address add only a few entries, so it cannot crowd out the others", () => {
    const refusals = new JoinRefusals();
    for (let i = 0; i < 50; i++) refusals.record(refused({ token: token(`t${String(i)}`) }));
    refusals.record(refused({ token: token("other"), peer: "10.0.0.2" }));
    const peers = refusals.list().map((r) => r.peer);
    expect(peers.filter((p) => p === "10.0.0.1")).toHaveLength(10);
    expect(peers).toContain("10.0.0.2");
  });

  it("keeps pinned agents' reports apart, few per address, never pushing out token refusals", () => {
    const refusals = new JoinRefusals();
    refusals.record(refused({}));
    const pin = `sha256:${"ab".repeat(32)}`;
    for (let i = 0; i < 500; i++) {
      refusals.recordPinMismatch({
        clusterName: `c${String(i % 3)}`,
        pinnedCaPin: pin,
        peer: `10.1.${String(Math.floor(i / 3))}.1`,
        at: new Date(5000 + i),
      });
    }
    const listed = refusals.list();
    expect(listed.filter((r) => r.tokenId === "t1")).toHaveLength(1);
    const reports = listed.filter((r) => r.reason === "ca_pin_mismatch");
    expect(reports.length).toBeLessThanOrEqual(50);
    expect(reports[0]).toMatchObject({ tokenId: "", pinnedCaPin: pin, count: 1 });
    // One address adds two at most, however many clusters it names.
    const one = new JoinRefusals();
    for (const clusterName of ["a", "b", "c", "d"])
      one.recordPinMismatch({ clusterName, pinnedCaPin: pin, peer: "10.9.9.9", at: new Date(1) });
    expect(one.list().map((r) => r.clusterName)).toEqual(["a", "b"]);
  });
});
