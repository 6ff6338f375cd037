import { status } from "@grpc/grpc-js";
import type { JoinTokenRecord } from "@warren/store";
import { describe, expect, it } from "vitest";

import { claimCluster } from "./cluster-claim.js";

const token = (overrides: Partial<JoinTokenRecord> = {}): JoinTokenRecord => ({
  id: "0123456789abcdef",
  type: "kube",
  secretHash: "00",
  expiresAt: new Date(0),
  usesTotal: 1,
  usesRemaining: 1,
  labels: { env: "prod" },
  clusterName: "prod",
  agentLabelKeys: ["region"],
  adminName: undefined,
  createdAt: new Date(0),
  ...overrides,
});

describe("claimCluster", () => {
  it("takes the token's cluster and labels, plus the label keys the token lets the agent set", () => {
    expect(claimCluster(token(), "prod", { region: "eu", env: "prod" })).toEqual({
      clusterName: "prod",
      labels: { env: "prod", region: "eu" },
      mayJoinExisting: true,
    });
  });

  it("refuses another cluster's name, naming both", () => {
    expect(() => claimCluster(token(), "local", {})).toThrow(
      expect.objectContaining({ grpcCode: status.PERMISSION_DENIED }),
    );
    expect(() => claimCluster(token(), "local", {})).toThrow(
      'was minted for cluster "prod", not "local"',
    );
  });

  it("refuses labels the token does not let the agent set, or that contradict the token's", () => {
    for (const asked of [{ env: "dev" }, { team: "a" }] as Record<string, string>[]) {
      expect(() => claimCluster(token(), "prod", asked)).toThrow(
        expect.objectContaining({ reason: "labels_not_allowed" }),
      );
    }
  });

  it("lets a token from before clusters had owners create a cluster, never join one", () => {
    expect(claimCluster(token({ clusterName: undefined }), "new-one", {})).toMatchObject({
      clusterName: "new-one",
      mayJoinExisting: false,
    });
  });
});
