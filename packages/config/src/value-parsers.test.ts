import { describe, expect, it } from "vitest";

import { formatDuration, parseDuration } from "./duration.js";
import { boolean, formatHostPort, hostPort, oneOf, positiveInteger } from "./value-parsers.js";

describe("value parsers", () => {
  it("parse durations and format them back", () => {
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(formatDuration(1_800_000)).toBe("30m");
    expect(formatDuration(90_000)).toBe("90s");
    expect(() => parseDuration("30")).toThrow("is not a duration");
    expect(() => parseDuration("1x")).toThrow("is not a duration");
  });

  it("parse host:port, with IPv6 and port 0 only where allowed", () => {
    expect(hostPort()("example.com:443")).toEqual({ host: "example.com", port: 443 });
    expect(hostPort()("[::1]:80")).toEqual({ host: "::1", port: 80 });
    expect(hostPort({ defaultPort: 3080 })("hub")).toEqual({ host: "hub", port: 3080 });
    expect(hostPort({ allowPortZero: true })("127.0.0.1:0").port).toBe(0);
    expect(() => hostPort()("127.0.0.1:0")).toThrow("is not host:port");
    expect(() => hostPort()("hub")).toThrow("is not host:port");
    expect(formatHostPort({ host: "::1", port: 80 })).toBe("[::1]:80");
  });

  it("parse booleans, choices and counts with reasons", () => {
    expect(boolean("yes")).toBe(true);
    expect(boolean(false)).toBe(false);
    expect(() => boolean("maybe")).toThrow('"maybe" is not true or false');
    expect(oneOf(["json", "text"])("json")).toBe("json");
    expect(() => oneOf(["json", "text"])("yaml")).toThrow("is not one of json, text");
    expect(positiveInteger(10)("3")).toBe(3);
    expect(() => positiveInteger(10)("0")).toThrow("is not a whole number from 1 to 10");
  });
});
