import { string } from "@warren/config";
import { describe, expect, it } from "vitest";

import { optionsHelp } from "./options-help.js";
import { parseFlags } from "./parse-flags.js";
import { EXIT_BUG, EXIT_USAGE, EXIT_USER_ERROR, runMain } from "./run-main.js";
import { UsageError } from "./usage-error.js";

class KnownError extends Error {}

async function run(main: () => Promise<number | undefined>) {
  let stderr = "";
  const code = await runMain(main, {
    program: "prog",
    isUserError: (error) => error instanceof KnownError,
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stderr };
}

const specs = {
  dataDir: {
    field: "data_dir",
    flag: "data-dir",
    env: "X_DATA_DIR",
    parse: string,
    description: "where data lives",
  },
  ttl: { field: "ttl", parse: string, default: () => "1h", description: "only in files" },
};

describe("runMain", () => {
  it("passes the command's exit code through", async () => {
    expect(await run(() => Promise.resolve(3))).toEqual({ code: 3, stderr: "" });
    expect(await run(() => Promise.resolve(undefined))).toEqual({ code: 0, stderr: "" });
  });

  it("prints usage and user errors as one message, and bugs with their stack", async () => {
    expect(await run(() => Promise.reject(new UsageError("bad flag")))).toEqual({
      code: EXIT_USAGE,
      stderr: "prog: bad flag\n",
    });
    expect(await run(() => Promise.reject(new KnownError("fix the config")))).toEqual({
      code: EXIT_USER_ERROR,
      stderr: "prog: fix the config\n",
    });
    const bug = await run(() => Promise.reject(new TypeError("x is undefined")));
    expect(bug.code).toBe(EXIT_BUG);
    expect(bug.stderr).toContain("a bug");
    expect(bug.stderr).toContain("TypeError: x is undefined\n    at ");
  });
});

describe("parseFlags", () => {
  it("accepts the specs' flags and the extras, and refuses others with a pointer to help", () => {
    expect(
      parseFlags(["--data-dir", "/d", "--config", "c.yaml"], specs, {
        command: "prog start",
        extra: { config: { type: "string" } },
      }),
    ).toEqual({ flags: { "data-dir": "/d", config: "c.yaml" }, positionals: [] });
    expect(() => parseFlags(["--ttl", "1h"], specs, { command: "prog start" })).toThrow(
      /Unknown option '--ttl'.*\nsee: prog start --help/s,
    );
    expect(() => parseFlags(["extra"], specs, { command: "prog start" })).toThrow(
      'unexpected argument "extra"',
    );
  });

  it("lists flags with their variables, and file-only fields, in help", () => {
    expect(optionsHelp(specs)).toBe(
      "  --data-dir [X_DATA_DIR]   where data lives\n  (ttl in the config file)  only in files",
    );
  });
});
