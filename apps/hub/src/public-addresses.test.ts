import { hostname } from "node:os";

import { describe, expect, it } from "vitest";

import { localAddress, publicAddresses, serverNames } from "./public-addresses.js";

describe("public addresses", () => {
  it("are the configured ones, else the bound address, with this host's name for a wildcard", () => {
    const configured = [{ host: "hub.example.com", port: 443 }];
    expect(publicAddresses(configured, { host: "0.0.0.0", port: 3025 })).toEqual(configured);
    expect(publicAddresses([], { host: "127.0.0.1", port: 40000 })).toEqual([
      { host: "127.0.0.1", port: 40000 },
    ]);
    expect(publicAddresses([], { host: "0.0.0.0", port: 3025 })).toEqual([
      { host: hostname(), port: 3025 },
    ]);
  });

  it("reach a wildcard listener over loopback from this machine", () => {
    expect(localAddress({ host: "0.0.0.0", port: 1 })).toBe("127.0.0.1:1");
    expect(localAddress({ host: "::", port: 1 })).toBe("[::1]:1");
    expect(localAddress({ host: "10.0.0.5", port: 1 })).toBe("10.0.0.5:1");
  });

  it("cover every public name and loopback in the serving certificate", () => {
    expect(
      serverNames([{ host: "hub.example.com", port: 443 }], { host: "10.0.0.5", port: 3025 }),
    ).toEqual(["hub.example.com", "10.0.0.5", "localhost", "127.0.0.1", "::1"]);
  });
});
