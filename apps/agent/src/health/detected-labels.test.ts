import { describe, expect, it } from "vitest";

import { providerOf, versionLabel } from "./detected-labels.js";

describe("what a gitVersion says", () => {
  it("names the managed distributions by their suffixes", () => {
    expect(providerOf("v1.30.5-gke.1014001")).toBe("gke");
    expect(providerOf("v1.29.8-eks-a737599")).toBe("eks");
    expect(providerOf("v1.31.1+k3s1")).toBe("k3s");
    expect(providerOf("v1.31.1+rke2r1")).toBe("rke2");
    expect(providerOf("v1.32.0")).toBeUndefined();
  });

  it("is a label value without its build metadata", () => {
    expect(versionLabel("v1.31.1+k3s1")).toBe("v1.31.1");
    expect(versionLabel("v1.30.5-gke.1014001")).toBe("v1.30.5-gke.1014001");
  });
});
