import { silentLogger } from "@warren/log";
import { describe, expect, it } from "vitest";

import { KubeRefusal } from "./kube-refusal.js";
import { SessionBook, type KubeSession, type SessionGrant } from "./kube-sessions.js";

const now = new Date("2026-06-01T00:00:00Z");
const clock = { now: () => now };

function session(user: string, cluster = "one") {
  const ended: KubeRefusal[] = [];
  const value: KubeSession = {
    caller: {
      name: user,
      certificatePem: "",
      uid: "u",
      notAfter: new Date(now.getTime() + 3_600_000),
    },
    cluster,
    requested: { groups: [] },
    kubernetesUser: user,
    kubernetesGroups: ["g"],
    end: (refusal) => ended.push(refusal),
  };
  return { value, ended };
}

describe("SessionBook", () => {
  it("refuses a user's request past their limit with 429, and admits again once one ends", () => {
    const book = new SessionBook(() => Promise.resolve(), clock, silentLogger, 2);
    const closeFirst = book.open(session("bob").value);
    book.open(session("bob").value);
    book.open(session("carol").value);
    expect(() => book.open(session("bob").value)).toThrow(
      expect.objectContaining({ httpStatus: 429, retryAfterSeconds: 1 }),
    );
    closeFirst();
    expect(book.inFlight("bob")).toBe(1);
    book.open(session("bob").value);
  });

  it("ends the sessions in scope that the check refuses, and only those", async () => {
    const revoked = new Set(["bob"]);
    const check = (grant: SessionGrant) =>
      revoked.has(grant.caller.name)
        ? Promise.reject(new KubeRefusal(401, `${grant.caller.name} is gone`))
        : Promise.resolve();
    const book = new SessionBook(check, clock, silentLogger, 10);
    const bobs = [session("bob", "one"), session("bob", "two")];
    const carol = session("carol");
    for (const s of [...bobs, carol]) book.open(s.value);
    expect(await book.recheck({ users: ["bob"], cluster: "two" })).toBe(1);
    expect(bobs.map((b) => b.ended.length)).toEqual([0, 1]);
    expect(await book.recheck({})).toBe(2);
    expect(bobs[0]?.ended[0]?.message).toBe("bob is gone");
    expect(carol.ended).toEqual([]);
  });

  it("keeps a session when the check cannot run, rather than failing the admin's change", async () => {
    const book = new SessionBook(
      () => Promise.reject(new Error("database is locked")),
      clock,
      silentLogger,
      10,
    );
    const bob = session("bob");
    book.open(bob.value);
    expect(await book.recheck({})).toBe(0);
    expect(bob.ended).toEqual([]);
  });
});
