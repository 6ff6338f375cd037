import { describe, expect, it } from "vitest";

import { clusterOfServerName, resolveHubName } from "./kube-names.js";
import type { KubeRefusal } from "./kube-refusal.js";
import { kubeRoute } from "./kube-route.js";

describe("kube routes", () => {
  it("takes the cluster from the TLS server name and passes a raw path as it is", () => {
    expect(kubeRoute("/readyz?verbose", "one")).toEqual({
      cluster: "one",
      path: "/readyz?verbose",
      by: "server-name",
    });
  });

  it("drops the /k8s/<cluster> prefix the kubeconfig's server URL adds", () => {
    expect(kubeRoute("/k8s/one/api/v1/pods?watch=1", "one")).toEqual({
      cluster: "one",
      path: "/api/v1/pods?watch=1",
      by: "server-name",
    });
  });

  it("refuses a path naming another cluster than the server name", () => {
    expect(() => kubeRoute("/k8s/two/api", "one")).toThrow(/names cluster "one" but the path/);
  });

  it("keeps the /k8s/<cluster> route for kubeconfigs without a server name", () => {
    expect(kubeRoute("/k8s/prod.eu/apis", undefined)).toEqual({
      cluster: "prod.eu",
      path: "/apis",
      by: "path",
    });
    const refusal = (() => {
      try {
        kubeRoute("/readyz", undefined);
      } catch (error) {
        return error as KubeRefusal;
      }
    })();
    expect(refusal?.httpStatus).toBe(404);
    expect(refusal?.message).toMatch(/tls-server-name <cluster>\.<kube server name>/);
  });

  it("reads the cluster from a server name under the kube server name only", () => {
    const name = "kube.warren.internal";
    expect(clusterOfServerName("prod.eu.kube.warren.internal", name)).toBe("prod.eu");
    expect(clusterOfServerName("One.KUBE.warren.internal", name)).toBe("one");
    expect(clusterOfServerName("kube.warren.internal", name)).toBeUndefined();
    expect(clusterOfServerName("hub.example.com", name)).toBeUndefined();
    expect(clusterOfServerName(false, name)).toBeUndefined();
  });

  it("names the hub after the host people reach it at, or warren for an address", () => {
    expect(resolveHubName(undefined, "Warren.Example.com")).toBe("warren.example.com");
    expect(resolveHubName(undefined, "127.0.0.1")).toBe("warren");
    expect(resolveHubName(undefined, "localhost")).toBe("warren");
    expect(resolveHubName("corp", "warren.example.com")).toBe("corp");
  });
});
