import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";

import { JoinThrottle, peerAddress } from "./join-throttle.js";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const options = { burst: 3, refillIntervalMs: 1000, maxAddresses: 2 };

describe("JoinThrottle", () => {
  it("admits an address until it spent its burst of failures, then one per interval", () => {
    const throttle = new JoinThrottle(options);
    for (let i = 0; i < 3; i++) {
      throttle.admit("10.0.0.1", at(0));
      throttle.failed("10.0.0.1", at(0));
    }
    const admit = () => {
      throttle.admit("10.0.0.1", at(500));
    };
    expect(admit).toThrow(expect.objectContaining({ grpcCode: status.RESOURCE_EXHAUSTED }));
    expect(admit).toThrow("too many failed joins from 10.0.0.1 lately: wait 1 s");
    throttle.admit("10.0.0.2", at(500));
    throttle.admit("10.0.0.1", at(1000));
    throttle.failed("10.0.0.1", at(1000));
    expect(() => {
      throttle.admit("10.0.0.1", at(1500));
    }).toThrow();
  });

  it("never counts a success, and forgets the address idle longest past its limit", () => {
    const throttle = new JoinThrottle(options);
    for (let i = 0; i < 10; i++) throttle.admit("10.0.0.1", at(0));
    for (let i = 0; i < 3; i++) throttle.failed("10.0.0.1", at(0));
    throttle.failed("10.0.0.2", at(0));
    throttle.failed("10.0.0.3", at(0));
    // 10.0.0.1 was idle longest and is forgotten: it starts with a full burst again.
    throttle.admit("10.0.0.1", at(0));
  });
});

describe("peerAddress", () => {
  it("drops the port, and counts IPv6 callers by their /64", () => {
    expect(peerAddress("127.0.0.1:54321")).toBe("127.0.0.1");
    expect(peerAddress("ipv4:10.1.2.3:80")).toBe("10.1.2.3");
    expect(peerAddress("[2001:db8:1:2:aaaa::1]:443")).toBe("2001:db8:1:2::/64");
  });
});
