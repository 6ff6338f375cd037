import { Writable } from "node:stream";

import { describe, expect, it } from "vitest";

import { createLogger } from "./pino-logger.js";
import { REDACTED } from "./redaction.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  it("writes JSON lines with the component of each child logger", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: "warren-test", destination });
    logger.child("join", { agentId: "a1" }).info({ cluster: "prod" }, "agent joined");
    expect(lines).toEqual([
      expect.objectContaining({
        name: "warren-test",
        level: "info",
        component: "join",
        agentId: "a1",
        cluster: "prod",
        msg: "agent joined",
      }),
    ]);
  });

  it("redacts secret fields even when code passes them by mistake", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: "warren-test", destination });
    logger.info({ token: "abc.def", request: { privateKeyPem: "-----BEGIN" } }, "oops");
    expect(lines[0]?.token).toBe(REDACTED);
    expect(lines[0]?.request).toEqual({ privateKeyPem: REDACTED });
    expect(JSON.stringify(lines)).not.toContain("abc.def");
  });

  it("leaves the caller's fields as they were, and redacts a child's bindings", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: "warren-test", destination });
    const fields = { cluster: "prod", request: { authorization: "Bearer x", path: "/api" } };
    logger.info(fields, "kept");
    logger.child("join", { joinToken: "secret-token" }).info({}, "child");
    expect(fields.request.authorization).toBe("Bearer x");
    expect(lines[0]?.request).toEqual({ authorization: REDACTED, path: "/api" });
    expect(lines[1]?.joinToken).toBe(REDACTED);
  });

  it("drops lines below its level", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: "warren-test", level: "warn", destination });
    logger.info({}, "quiet");
    logger.warn({}, "loud");
    expect(lines.map((line) => line.msg)).toEqual(["loud"]);
  });
});
