import { createCertificateAuthority, generateKeyPair, issueCertificate } from "@warren/pki";
import { silentLogger } from "@warren/log";
import { beforeAll, describe, expect, it } from "vitest";

import type { HubApi, Joined, JoinRequestOptions } from "../join/hub-api.js";
import type { HubVerdict } from "../join/hub-verdict.js";
import type { AgentState, VersionedState } from "../state/agent-state.js";
import type { SaveOutcome, StateStore } from "../state/state-store.js";
import { IdentityKeeper, type IdentityKeeperOptions } from "./identity-keeper.js";

// Small fakes: the store and hub paths with real servers are covered by test/integration.

let certificatePem: string;

beforeAll(async () => {
  const ca = await createCertificateAuthority({
    subject: { commonName: "ca" },
    validityMs: 3_600_000,
  });
  const keys = await generateKeyPair();
  certificatePem = issueCertificate({
    ca,
    publicKeyPem: keys.publicKeyPem,
    subject: { commonName: "a" },
    usages: ["clientAuth"],
    validityMs: 3_600_000,
  });
});

const stateFor = (agentId: string): AgentState => ({
  agentId,
  clusterName: "c",
  labels: {},
  hubAddr: "hub:1",
  privateKeyPem: "key",
  certificatePem,
  caPem: "ca",
});

class FakeStore implements StateStore {
  readonly description = "fake store";
  readonly resetInstructions = "reset it";
  stored: VersionedState | undefined;
  /** Saved by "another process" just before our first save. */
  interloper: AgentState | undefined;

  load(): Promise<VersionedState | undefined> {
    return Promise.resolve(this.stored);
  }

  save(state: AgentState, expectedVersion: string | undefined): Promise<SaveOutcome> {
    if (this.interloper) {
      this.stored = { state: this.interloper, version: "theirs" };
      this.interloper = undefined;
    }
    if (this.stored?.version !== expectedVersion)
      return Promise.resolve({ saved: false, current: this.stored });
    this.stored = { state, version: `v${Math.random()}` };
    return Promise.resolve({ saved: true, version: this.stored.version });
  }
}

class FakeHub implements HubApi {
  joins = 0;
  verifies = 0;
  verdict: HubVerdict = {
    kind: "recognised",
    certificateExpiresAt: new Date(),
    tunnel: undefined,
    caCertificatesPem: [],
  };
  private onVerify: (() => void) | undefined;

  /** Resolves once verify() has been called `count` times. */
  verified(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.onVerify = () => {
        if (this.verifies >= count) resolve();
      };
    });
  }

  join(_request: JoinRequestOptions): Promise<Joined> {
    this.joins += 1;
    return Promise.resolve({ state: stateFor(`joined-${this.joins}`), tunnel: undefined });
  }

  verify(): Promise<HubVerdict> {
    this.verifies += 1;
    this.onVerify?.();
    return Promise.resolve(this.verdict);
  }

  renew(state: AgentState): Promise<AgentState> {
    return Promise.resolve({ ...state, privateKeyPem: "new key" });
  }
}

function keeper(store: StateStore, hub: HubApi, overrides: Partial<IdentityKeeperOptions> = {}) {
  return new IdentityKeeper({
    store,
    hub,
    logger: silentLogger,
    hubAddr: "hub:1",
    clusterName: "c",
    labels: {},
    caPin: `sha256:${"ab".repeat(32)}`,
    autoRejoin: true,
    checkIntervalMs: 60_000,
    readToken: () => Promise.resolve("token"),
    retry: { initialMs: 1, maxMs: 1 },
    ...overrides,
  });
}

describe("IdentityKeeper", () => {
  it("adopts the identity another process stored first instead of overwriting it", async () => {
    const store = new FakeStore();
    store.interloper = stateFor("theirs");
    const identity = await keeper(store, new FakeHub()).establish();
    expect(identity.agentId).toBe("theirs");
    expect(store.stored?.state.agentId).toBe("theirs");
  });

  it("uses a stored identity the hub recognises without joining", async () => {
    const store = new FakeStore();
    store.stored = { state: stateFor("mine"), version: "v1" };
    const hub = new FakeHub();
    expect((await keeper(store, hub).establish()).agentId).toBe("mine");
    expect(hub.joins).toBe(0);
  });

  it("never re-joins when the hub rejects the identity (a revocation must stick)", async () => {
    const store = new FakeStore();
    store.stored = { state: stateFor("revoked"), version: "v1" };
    const hub = new FakeHub();
    hub.verdict = { kind: "rejected", message: "agent revoked" };
    const subject = keeper(store, hub);
    const retried = hub.verified(3);
    const establishing = subject.establish();
    await retried;
    await subject.stop();
    await expect(establishing).rejects.toThrow("stopped before the agent had an identity");
    expect(hub.joins).toBe(0);
    expect(store.stored.state.agentId).toBe("revoked");
  });

  it("re-joins when the hub's CA changed, replacing the stored identity over its version", async () => {
    const store = new FakeStore();
    store.stored = { state: stateFor("old"), version: "v1" };
    const hub = new FakeHub();
    hub.verdict = { kind: "ca_changed", trustedPins: ["sha256:old"], presentedPin: "sha256:new" };
    expect((await keeper(store, hub).establish()).agentId).toBe("joined-1");
    expect(store.stored.state.agentId).toBe("joined-1");
  });
});
