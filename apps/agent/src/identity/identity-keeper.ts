import { setTimeout as sleep } from "node:timers/promises";

import type { Labels } from "@warren/identity";
import type { Logger } from "@warren/log";
import type { TunnelInfo } from "@warren/proto";

import { Backoff, type BackoffOptions } from "@warren/tunnel";
import { AgentError, AgentErrorCode } from "../errors.js";
import type { HubApi } from "../join/hub-api.js";
import type { HubVerdict } from "../join/hub-verdict.js";
import { ProblemLog } from "../problem-log.js";
import type { AgentState, VersionedState } from "../state/agent-state.js";
import type { StateStore } from "../state/state-store.js";
import { renewalDueAt } from "./renewal-time.js";

export interface IdentityKeeperOptions {
  store: StateStore;
  hub: HubApi;
  logger: Logger;
  hubAddr: string;
  clusterName: string;
  labels: Labels;
  /** Whether the hub's CA is pinned; without a pin the first join trusts what it sees. */
  /** The CA pin the agent is configured with (WARREN_CA_PIN), if any. */
  caPin: string | undefined;
  autoRejoin: boolean;
  /** How often to confirm the hub still recognises the identity, in milliseconds. */
  checkIntervalMs: number;
  /** The join token now (a token file may change while the agent runs). */
  readToken: () => Promise<string | undefined>;
  /** The CAs the hub trusts, as an identity check reports them (see AuthorityFollower). */
  followTrust?: (caCertificatesPem: readonly string[]) => Promise<void>;
  retry?: BackoffOptions;
}

const DEFAULT_RETRY: BackoffOptions = { initialMs: 1000, maxMs: 30_000 };

/**
 * Gets the agent an identity and keeps it good: loads it from the state store or joins with
 * the token, confirms the hub recognises it, renews the certificate, and re-joins when the
 * hub's CA changed (if allowed). Problems are logged once each, with their fix.
 */
export class IdentityKeeper {
  private versioned: VersionedState | undefined;
  private tunnelInfo: TunnelInfo | undefined;
  private readonly stopping = new AbortController();
  private readonly problems: ProblemLog;
  private readonly listeners: ((state: AgentState) => void)[] = [];
  private loops: Promise<void>[] = [];

  constructor(private readonly options: IdentityKeeperOptions) {
    this.problems = new ProblemLog(options.logger);
  }

  /** A method, not a property read, so checks after an await are not narrowed away. */
  private isStopped(): boolean {
    return this.stopping.signal.aborted;
  }

  get identity(): AgentState | undefined {
    return this.versioned?.state;
  }

  /** Where the hub's tunnel is, as the hub last said. */
  get tunnel(): TunnelInfo | undefined {
    return this.tunnelInfo;
  }

  /** Called with the new identity after a renewal or a re-join. */
  onChange(listener: (state: AgentState) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves once the agent holds an identity the hub recognises; retries until then. */
  async establish(): Promise<AgentState> {
    const backoff = new Backoff(this.options.retry ?? DEFAULT_RETRY);
    while (!this.isStopped()) {
      try {
        const established = await this.attempt();
        if (established) {
          this.adopt(established, "established");
          this.problems.resolve(
            { agentId: established.state.agentId },
            "the hub recognises this agent",
          );
          return established.state;
        }
      } catch (error) {
        this.reportFailure(error);
      }
      await this.pause(backoff.next());
    }
    throw new AgentError(
      AgentErrorCode.StateUnavailable,
      "stopped before the agent had an identity",
    );
  }

  /** Starts renewing the certificate and re-checking the hub in the background. */
  start(): void {
    this.loops = [this.renewLoop(), this.checkLoop()];
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.loops);
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.stopping.signal });
    } catch {
      // Aborted: the loops notice and end.
    }
  }

  private adopt(
    next: VersionedState,
    why: "established" | "renewed" | "rejoined" | "replaced" | "trusted",
  ): void {
    const changed = this.versioned !== undefined && this.versioned.state !== next.state;
    this.versioned = next;
    if (changed || why !== "established")
      for (const listener of this.listeners) listener(next.state);
  }

  private async attempt(): Promise<VersionedState | undefined> {
    const loaded = await this.options.store.load();
    if (!loaded) return this.joinAndSave(undefined);
    if (loaded.state.clusterName !== this.options.clusterName) {
      this.problems.report(
        "cluster_renamed",
        "warn",
        { stored: loaded.state.clusterName },
        this.renamedMessage(loaded),
      );
    }
    return this.judge(await this.options.hub.verify(loaded.state), loaded);
  }

  private renamedMessage(loaded: VersionedState): string {
    return (
      `the stored identity is for cluster "${loaded.state.clusterName}", not "${this.options.clusterName}": ` +
      `it stays "${loaded.state.clusterName}" until reset (${this.options.store.resetInstructions})`
    );
  }

  /** What to do about the hub's verdict on `loaded`: its identity, a new one, or nothing yet. */
  private async judge(
    verdict: HubVerdict,
    loaded: VersionedState,
  ): Promise<VersionedState | undefined> {
    const { agentId } = loaded.state;
    switch (verdict.kind) {
      case "recognised":
        this.tunnelInfo = verdict.tunnel ?? this.tunnelInfo;
        return loaded;
      case "unreachable":
        this.problems.report(
          "hub_unreachable",
          "warn",
          { agentId },
          `${verdict.message}; retrying`,
        );
        return undefined;
      case "rejected":
        this.problems.report(
          "identity_rejected",
          "error",
          { agentId },
          `the hub refuses this agent's identity: ${verdict.message}. To reset: ${this.options.store.resetInstructions}`,
        );
        return undefined;
      case "ca_changed":
        this.problems.report(
          "ca_mismatch",
          "error",
          this.caMismatchFields(verdict, loaded),
          this.caMismatchMessage(verdict, loaded),
        );
        return this.options.autoRejoin ? this.joinAndSave(loaded) : undefined;
    }
  }

  private caMismatchFields(
    verdict: Extract<HubVerdict, { kind: "ca_changed" }>,
    loaded: VersionedState,
  ) {
    return {
      agentId: loaded.state.agentId,
      trustedCaPins: verdict.trustedPins,
      presentedCaPin: verdict.presentedPin,
      reset: this.options.store.resetInstructions,
      autoRejoin: this.options.autoRejoin,
    };
  }

  private caMismatchMessage(
    verdict: Extract<HubVerdict, { kind: "ca_changed" }>,
    loaded: VersionedState,
  ): string {
    const pinned = this.options.caPin;
    const next =
      pinned !== undefined && pinned !== verdict.presentedPin
        ? `This agent pins CA ${pinned} (caPin), so it sends its join token to no other hub: if ` +
          `this hub replaced that one, give the agent a token minted here and caPin ` +
          `${verdict.presentedPin} (helm upgrade … --set authToken=NEW_TOKEN --set caPin=${verdict.presentedPin}); ` +
          "it then re-joins by itself."
        : this.options.autoRejoin
          ? "Re-joining with the join token (auto-rejoin is on; a token minted on this hub is needed)."
          : "Auto-rejoin is off.";
    return (
      `the hub's CA changed: agent ${loaded.state.agentId} holds an identity (in ${this.options.store.description}) ` +
      `issued by CA ${verdict.trustedPins.join(", ")}, but the hub at ${this.options.hubAddr} now presents CA ` +
      `${verdict.presentedPin}; the hub was recreated or lost its data directory. ` +
      `To reset: ${this.options.store.resetInstructions}. ${next}`
    );
  }

  private async joinAndSave(
    replacing: VersionedState | undefined,
  ): Promise<VersionedState | undefined> {
    const token = await this.options.readToken();
    if (token === undefined) {
      const where = replacing ? "to re-join with" : "and no identity yet";
      this.problems.report(
        "no_token",
        "error",
        {},
        `no join token ${where}: set WARREN_JOIN_TOKEN or --token-file (warrenctl tokens add --type kube mints one)`,
      );
      return undefined;
    }
    if (this.options.caPin === undefined) {
      this.options.logger.warn(
        { hubAddr: this.options.hubAddr },
        "joining without a CA pin: trusting the CA the hub presents; set WARREN_CA_PIN to verify it",
      );
    }
    const { state, tunnel } = await this.options.hub.join({
      token,
      clusterName: this.options.clusterName,
      labels: this.options.labels,
    });
    const saved = await this.options.store.save(state, replacing?.version);
    if (!saved.saved) {
      this.options.logger.info(
        { store: this.options.store.description },
        "another agent process saved an identity first; using that one",
      );
      return undefined;
    }
    const event = replacing ? "re-joined the hub" : "joined the hub";
    this.options.logger.info(
      { agentId: state.agentId, cluster: state.clusterName, store: this.options.store.description },
      event,
    );
    this.tunnelInfo = tunnel;
    return { state, version: saved.version };
  }

  private reportFailure(error: unknown): void {
    if (!(error instanceof AgentError)) throw error;
    const level = error.code === AgentErrorCode.HubUnreachable ? "warn" : "error";
    this.problems.report(error.code, level, {}, error.message);
  }

  private async renewLoop(): Promise<void> {
    const backoff = new Backoff(this.options.retry ?? DEFAULT_RETRY);
    while (!this.isStopped()) {
      const current = this.versioned;
      if (!current) return;
      await this.pause(Math.max(0, renewalDueAt(current.state.certificatePem) - Date.now()));
      if (this.isStopped()) return;
      try {
        await this.renewOnce();
        backoff.reset();
      } catch (error) {
        this.reportFailure(error);
        await this.pause(backoff.next());
      }
    }
  }

  private async renewOnce(): Promise<void> {
    const current = this.versioned;
    if (!current) return;
    const renewed = await this.options.hub.renew(current.state);
    const saved = await this.options.store.save(renewed, current.version);
    if (saved.saved) {
      this.adopt({ state: renewed, version: saved.version }, "renewed");
      this.options.logger.info({ agentId: renewed.agentId }, "renewed the agent certificate");
    } else if (saved.current) {
      // Someone else renewed or re-joined meanwhile: the stored identity is the newer one.
      this.adopt(saved.current, "replaced");
    }
  }

  /**
   * Trusts exactly the CAs of `caPem` from now on, kept in the state store (a CA rotation).
   * Another process that saved meanwhile wins, and the change is made again over its state.
   */
  async trust(caPem: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = this.versioned;
      if (!current) throw new AgentError(AgentErrorCode.StateUnavailable, "no identity yet");
      if (current.state.caPem === caPem) return;
      const state = { ...current.state, caPem };
      const saved = await this.options.store.save(state, current.version);
      if (saved.saved) {
        this.adopt({ state, version: saved.version }, "trusted");
        return;
      }
      if (saved.current) this.adopt(saved.current, "replaced");
    }
    throw new AgentError(
      AgentErrorCode.StateUnavailable,
      `could not save the hub's CAs in ${this.options.store.description}: it keeps changing`,
    );
  }

  /** Renews the certificate now (the CA that signs agents changed). */
  async renewNow(): Promise<void> {
    await this.renewOnce();
  }

  /** Where the hub's tunnel is and the certificate of its host key, as the hub says now. */
  useTunnel(tunnel: TunnelInfo): void {
    this.tunnelInfo = tunnel;
  }

  private async checkLoop(): Promise<void> {
    while (!this.isStopped()) {
      await this.pause(this.options.checkIntervalMs);
      if (this.isStopped()) return;
      await this.checkNow();
    }
  }

  /**
   * Asks the hub now whether it still recognises the identity, and acts on the answer
   * (re-join after a CA change, report a refusal). The tunnel calls it when the hub's SSH
   * server refuses it or presents another host key.
   */
  async checkNow(): Promise<void> {
    const current = this.versioned;
    if (!current) return;
    try {
      const verdict = await this.options.hub.verify(current.state);
      const next = await this.judge(verdict, current);
      if (next && next !== current) this.adopt(next, "rejoined");
      if (next)
        this.problems.resolve({ agentId: next.state.agentId }, "the hub recognises this agent");
      if (next === current && verdict.kind === "recognised")
        await this.options.followTrust?.(verdict.caCertificatesPem);
    } catch (error) {
      this.reportFailure(error);
    }
  }
}
