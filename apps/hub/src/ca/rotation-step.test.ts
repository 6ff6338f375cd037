import { X509Certificate } from "node:crypto";

import { caPin } from "@warren/pki";
import { beforeAll, describe, expect, it } from "vitest";

import { Refusal } from "../errors.js";
import { decodeState, encodeState, initialState, viewOf } from "./authority-state.js";
import type { AuthorityState } from "./authority-state.js";
import { newCertificateAuthority, rotationStep } from "./rotation-step.js";

const now = new Date("2026-12-01T00:00:00Z");
let start: AuthorityState;

beforeAll(async () => {
  start = initialState(await newCertificateAuthority(now, false), now);
});

async function walk(...phases: Parameters<typeof rotationStep>[1][]): Promise<AuthorityState[]> {
  const states = [start];
  for (const phase of phases) {
    const last = states.at(-1) ?? start;
    states.push(await rotationStep(last, phase, now));
  }
  return states;
}

const pinOf = (pem: string) => caPin(pem);

describe("a CA rotation, phase by phase", () => {
  it("moves signing to the new CA for clients, then servers, then drops the old CA", async () => {
    const [, init, clients, servers, done] = await walk(
      "init",
      "update_clients",
      "update_servers",
      "standby",
    );
    if (!init || !clients || !servers || !done) throw new Error("walk stopped early");
    const oldPem = start.active.certificatePem;
    const newPem = init.next?.certificatePem ?? "";
    expect(new X509Certificate(newPem).subject).toMatch(/^CN=Warren hub CA 2026-12-01T00:00:00Z/);
    const issuers = [init, clients, servers].map((state) => {
      const view = viewOf(state);
      return [pinOf(view.clientIssuer.certificatePem), view.pin, view.trusted.length];
    });
    expect(issuers).toEqual([
      [pinOf(oldPem), pinOf(oldPem), 2],
      [pinOf(newPem), pinOf(oldPem), 2],
      [pinOf(newPem), pinOf(newPem), 2],
    ]);
    // Served from the new CA, the chain ends in it cross-signed by the old one.
    const tail = new X509Certificate(viewOf(servers).servingChainTail);
    expect([tail.subject, tail.issuer]).toEqual([
      new X509Certificate(newPem).subject,
      new X509Certificate(oldPem).subject,
    ]);
    expect(viewOf(done).trusted).toEqual([newPem]);
    expect(done.retired).toEqual([oldPem]);
    expect(viewOf(done).servingChainTail).toBe(viewOf(servers).servingChainTail);
  });

  it("returns everyone to the old CA on rollback, and forgets the new one at standby", async () => {
    const [, , , servers, rolledBack, done] = await walk(
      "init",
      "update_clients",
      "update_servers",
      "rollback",
      "standby",
    );
    if (!servers || !rolledBack || !done) throw new Error("walk stopped early");
    const oldPin = pinOf(start.active.certificatePem);
    expect([pinOf(viewOf(rolledBack).clientIssuer.certificatePem), viewOf(rolledBack).pin]).toEqual(
      [oldPin, oldPin],
    );
    expect(viewOf(rolledBack).trusted).toHaveLength(2);
    expect(viewOf(done).trusted).toEqual([start.active.certificatePem]);
    expect(done.next).toBeUndefined();
    expect(done.retired).toEqual([rolledBack.next?.certificatePem]);
  });

  it("refuses steps out of order, naming the ones allowed", async () => {
    const refusal = await rotationStep(start, "update_servers", now).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Refusal);
    expect((refusal as Refusal).message).toBe(
      "the CA rotation is in phase standby; from there the next phase is init, not update_servers " +
        "(a rotation starts with: warrenctl auth rotate --phase init)",
    );
    const [, init] = await walk("init");
    if (!init) throw new Error("walk stopped early");
    await expect(rotationStep(init, "standby", now)).rejects.toThrow(
      "the CA rotation is in phase init; from there the next phase is update_clients or rollback, not standby",
    );
  });

  it("keeps its state through the store's encoding", async () => {
    const [, init] = await walk("init");
    if (!init) throw new Error("walk stopped early");
    expect(decodeState(encodeState(init))).toEqual(init);
  });
});
