import { describe, expect, it } from "vitest";

import {
  AgentServiceService,
  HealthState,
  JoinRequest,
  ProxyRequest,
  ProxyResponse,
} from "./index.js";

describe("wire contracts", () => {
  it("keeps repeated headers in order, as Kubernetes needs one Impersonate-Group line each", () => {
    const request: ProxyRequest = {
      frame: {
        $case: "head",
        value: {
          requestId: "r1",
          method: "GET",
          path: "/api/v1/namespaces?limit=5",
          headers: [
            { name: "Accept", value: "application/json" },
            { name: "X-Repeat", value: "a" },
            { name: "X-Repeat", value: "b" },
          ],
          impersonation: { user: "alice", groups: ["dev", "ops"] },
        },
      },
    };
    const decoded = ProxyRequest.decode(ProxyRequest.encode(request).finish());
    expect(decoded).toEqual(request);
  });

  it("carries body chunks and upgraded bytes as distinct frames", () => {
    const body = ProxyResponse.decode(
      ProxyResponse.encode({
        frame: { $case: "body", value: { data: Buffer.from("abc") } },
      }).finish(),
    );
    const upgraded = ProxyResponse.decode(
      ProxyResponse.encode({
        frame: { $case: "upgraded", value: { data: Buffer.from([0, 1, 2]) } },
      }).finish(),
    );
    expect(body.frame?.$case).toBe("body");
    expect(upgraded.frame).toEqual({ $case: "upgraded", value: { data: Buffer.from([0, 1, 2]) } });
  });

  it("declares Proxy as a bidirectional stream for grpc-js", () => {
    expect(AgentServiceService.proxy.path).toBe("/warren.v1.AgentService/Proxy");
    expect(AgentServiceService.proxy.requestStream).toBe(true);
    expect(AgentServiceService.proxy.responseStream).toBe(true);
    expect(AgentServiceService.ping.requestStream).toBe(false);
  });

  it("names enum values in JSON as the proto does", () => {
    expect(HealthState.HEALTH_STATE_MISSING_PERMISSIONS).toBe(3);
    const json = JoinRequest.toJSON(
      JoinRequest.fromPartial({ clusterName: "prod", labels: { env: "prod" } }),
    );
    expect(json).toEqual({ clusterName: "prod", labels: { env: "prod" } });
  });
});
