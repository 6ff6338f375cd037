import { describe, expect, it } from "vitest";

import type { LogFields, Logger } from "@warren/log";

import { ProblemLog } from "./problem-log.js";

function recorder() {
  const lines: { level: string; message: string; fields: LogFields }[] = [];
  const record = (level: string) => (fields: LogFields, message: string) =>
    lines.push({ level, message, fields });
  const logger: Logger = {
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
    child: () => logger,
  };
  return { lines, logger };
}

describe("ProblemLog", () => {
  it("logs a persisting problem once, however often it is reported", () => {
    const { lines, logger } = recorder();
    const problems = new ProblemLog(logger);
    for (let i = 0; i < 5; i++)
      problems.report("hub_unreachable", "warn", {}, "cannot reach the hub");
    expect(lines).toHaveLength(1);
  });

  it("logs each of several problems holding at once only once, even when they alternate", () => {
    const { lines, logger } = recorder();
    const problems = new ProblemLog(logger);
    for (let i = 0; i < 3; i++) {
      problems.report("ca_mismatch", "error", {}, "the hub's CA changed");
      problems.report("join_refused", "error", {}, "token unknown");
    }
    expect(lines.map((l) => l.fields.problem)).toEqual(["ca_mismatch", "join_refused"]);
  });

  it("logs a problem again when its explanation changes, and the end of all problems once", () => {
    const { lines, logger } = recorder();
    const problems = new ProblemLog(logger);
    problems.report("join_refused", "error", {}, "token unknown");
    problems.report("join_refused", "error", {}, "token expired");
    problems.resolve({}, "fine again");
    problems.resolve({}, "fine again");
    expect(lines.map((l) => l.message)).toEqual(["token unknown", "token expired", "fine again"]);
    expect(lines[2]?.fields.resolved).toEqual(["join_refused"]);
  });
});
