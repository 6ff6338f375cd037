import { describe, expect, it } from "vitest";

import { requestAttributes } from "./request-attributes.js";

describe("requestAttributes", () => {
  it.each([
    [
      "GET",
      "/api/v1/namespaces/ns/pods",
      { verb: "list", resource: "pods", namespace: "ns", name: "" },
    ],
    [
      "GET",
      "/api/v1/namespaces/ns/pods?watch=true",
      { verb: "watch", resource: "pods", namespace: "ns", name: "" },
    ],
    [
      "GET",
      "/api/v1/namespaces/ns/pods/p/log?follow=true",
      { verb: "get", resource: "pods/log", namespace: "ns", name: "p" },
    ],
    [
      "POST",
      "/api/v1/namespaces/ns/pods/p/exec?command=ls",
      { verb: "create", resource: "pods/exec", namespace: "ns", name: "p" },
    ],
    [
      "GET",
      "/api/v1/namespaces/ns",
      { verb: "get", resource: "namespaces", namespace: "ns", name: "ns" },
    ],
    [
      "DELETE",
      "/apis/apps/v1/namespaces/ns/deployments",
      {
        verb: "deletecollection",
        resource: "deployments",
        namespace: "ns",
        name: "",
        apiGroup: "apps",
      },
    ],
    [
      "PATCH",
      "/apis/rbac.authorization.k8s.io/v1/clusterroles/x",
      {
        verb: "patch",
        resource: "clusterroles",
        namespace: "",
        name: "x",
        apiGroup: "rbac.authorization.k8s.io",
      },
    ],
    ["GET", "/apis", { verb: "get", resource: "", namespace: "", name: "" }],
  ])("%s %s", (method, path, expected) => {
    expect(requestAttributes(method, path)).toEqual({ apiGroup: "", ...expected });
  });
});
