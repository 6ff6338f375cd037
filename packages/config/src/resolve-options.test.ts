import { describe, expect, it } from "vitest";

import { ConfigError } from "./errors.js";
import { resolveOptions, type OptionSpec } from "./resolve-options.js";
import { durationMs, hostPort, list, string } from "./value-parsers.js";
import { parseYaml } from "./yaml-file.js";

const specs = {
  listenAddr: {
    field: "listen_addr",
    flag: "listen-addr",
    env: "X_LISTEN_ADDR",
    parse: hostPort({ allowPortZero: true }),
    default: () => ({ host: "0.0.0.0", port: 3080 }),
    description: "where to listen",
  } satisfies OptionSpec<{ host: string; port: number }>,
  ttlMs: {
    field: "ttl",
    env: "X_TTL",
    parse: durationMs,
    default: () => 1000,
    description: "a duration",
  } satisfies OptionSpec<number>,
  dataDir: { field: "data_dir", flag: "data-dir", parse: string, description: "required" },
  names: { field: "names", parse: list(string), default: () => [], description: "a list" },
};

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveOptions", () => {
  it("takes a flag over the environment over the file over the default", () => {
    const file = parseYaml("listen_addr: 1.1.1.1:1\nttl: 5m\ndata_dir: /f\n", "hub.yaml");
    const env = { X_LISTEN_ADDR: "2.2.2.2:2", X_TTL: "1h" };
    expect(resolveOptions(specs, { flags: { "listen-addr": "3.3.3.3:3" }, env, file })).toEqual({
      listenAddr: { host: "3.3.3.3", port: 3 },
      ttlMs: 3_600_000,
      dataDir: "/f",
      names: [],
    });
    expect(resolveOptions(specs, { file }).listenAddr).toEqual({ host: "1.1.1.1", port: 1 });
  });

  it("reports every problem with its field and where the value came from", () => {
    const file = parseYaml("names: [a]\nttl: soon\nlisten_adr: x\n", "/etc/hub.yaml");
    const problems = problemsOf(() =>
      resolveOptions(specs, { flags: { "listen-addr": "nope" }, file }),
    );
    expect(problems[0]?.reason).toBe(
      "unknown field; known fields are data_dir, listen_addr, names, ttl",
    );
    expect(problems).toEqual([
      { field: "listen_adr", source: "/etc/hub.yaml line 3", reason: problems[0]?.reason },
      { field: "listen_addr", source: "--listen-addr", reason: '"nope" is not host:port' },
      {
        field: "ttl",
        source: "/etc/hub.yaml line 2",
        reason: '"soon" is not a duration like 30s, 10m, 8h or 1h30m',
      },
      {
        field: "data_dir",
        source: "nowhere",
        reason: "is required: set --data-dir, data_dir in the config file",
      },
    ]);
  });

  it("formats all problems into one message", () => {
    expect(() => resolveOptions(specs, { env: { X_TTL: "10 minutes" } })).toThrow(
      /invalid configuration\n {2}ttl: "10 minutes" is not a duration.*\(from X_TTL\)/,
    );
  });
});

describe("parseYaml", () => {
  it("names the line of a syntax error", () => {
    expect(problemsOf(() => parseYaml("a: 1\nb: [unclosed\n", "r.yaml"))[0]?.source).toMatch(
      /^r\.yaml line \d$/,
    );
  });

  it("finds the line of nested fields", () => {
    const file = parseYaml("kind: role\nspec:\n  allow:\n    groups: [a]\n", "r.yaml");
    expect(file.lineOf(["spec", "allow", "groups"])).toBe(4);
    expect(file.lineOf(["spec", "allow", "groups", 0])).toBe(4);
    expect(file.lineOf(["missing"])).toBeUndefined();
  });
});
