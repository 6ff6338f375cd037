import { RefusalReason } from "@warren/hub-client";
import type { Logger } from "@warren/log";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import { refuse } from "../errors.js";
import {
  AUTHORITIES_DOCUMENT,
  decodeState,
  encodeState,
  initialState,
  viewOf,
  type AuthorityState,
  type AuthorityView,
  type AutoRotation,
} from "./authority-state.js";
import type { RotationPhase } from "./rotation-phase.js";
import { newCertificateAuthority, rotationStep } from "./rotation-step.js";

/** Trusted CAs as one PEM bundle, and those completed rotations dropped. */
export interface ClientTrust {
  pem: string;
  retired: readonly string[];
}

const trustOf = (state: AuthorityState, view: AuthorityView): ClientTrust => ({
  pem: view.trusted.join(""),
  retired: state.retired,
});

interface Loaded {
  state: AuthorityState;
  /** The document's version; undefined while no rotation has been stored. */
  version: number | undefined;
}

async function read(store: HubStore, now: Date): Promise<Loaded | undefined> {
  const document = await store.documents.get(
    AUTHORITIES_DOCUMENT.kind,
    AUTHORITIES_DOCUMENT.name,
    now,
  );
  if (document) return { state: decodeState(document.body), version: document.version };
  const stored = await store.certificateAuthority.get();
  return stored && { state: initialState(stored, stored.createdAt), version: undefined };
}

/**
 * The hub's certificate authorities as they are now: who signs what, what is trusted, and the
 * rotation between them. Every replica holds one, reloaded when any replica moves the
 * rotation; the parts that sign, verify or serve read it at each use, or follow onChange.
 */
export class HubAuthorities {
  private loaded: Loaded;
  private currentView: AuthorityView;
  /** What client certificates are checked against, made once per change: read per request. */
  private currentTrust: ClientTrust;
  private readonly listeners = new Set<(state: AuthorityState) => Promise<void> | void>();

  private constructor(
    loaded: Loaded,
    private readonly store: HubStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.loaded = loaded;
    this.currentView = viewOf(loaded.state);
    this.currentTrust = trustOf(loaded.state, this.currentView);
  }

  /** The stored CAs, or a new CA on first start (another replica's, if it stored one first). */
  static async load(store: HubStore, clock: Clock, logger: Logger): Promise<HubAuthorities> {
    let loaded = await read(store, clock.now());
    if (!loaded) {
      const created = await newCertificateAuthority(clock.now(), false);
      // initialize() keeps a CA another process stored first, so two hubs never diverge.
      const stored = await store.certificateAuthority.initialize({
        ...created,
        createdAt: clock.now(),
      });
      loaded = { state: initialState(stored, stored.createdAt), version: undefined };
      logger.info({ store: store.location }, "created the hub's certificate authority");
    }
    const authorities = new HubAuthorities(loaded, store, clock, logger);
    logger.info(
      { caPin: authorities.view.pin, phase: loaded.state.phase },
      "using the hub's certificate authority",
    );
    return authorities;
  }

  get state(): AuthorityState {
    return this.loaded.state;
  }

  get view(): AuthorityView {
    return this.currentView;
  }

  /** The CAs a client certificate may come from, as one PEM bundle. */
  get trustedPem(): string {
    return this.currentTrust.pem;
  }

  /** The same, with the CAs rotations dropped; one object until the rotation moves. */
  get clientTrust(): ClientTrust {
    return this.currentTrust;
  }

  /**
   * Calls `listener` after every change of phase; returns how to stop. A change is done once
   * every listener's promise settled: rotate() answers only then, so an admin whose step
   * returned meets this replica already serving (and its local profile written) by it.
   */
  onChange(listener: (state: AuthorityState) => Promise<void> | void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Reads the store again (another replica moved the rotation); tells listeners of a change. */
  async reload(): Promise<void> {
    const loaded = await read(this.store, this.clock.now());
    if (loaded && loaded.version !== this.loaded.version) await this.adopt(loaded);
  }

  /**
   * Moves the rotation to `to` for every replica: written only over the version this replica
   * read, so two admins racing cannot both move it; the loser is told to look again.
   */
  async rotate(to: RotationPhase, auto?: AutoRotation): Promise<AuthorityState> {
    await this.reload();
    const from = this.loaded;
    const state = await rotationStep(from.state, to, this.clock.now(), auto);
    const document = {
      ...AUTHORITIES_DOCUMENT,
      body: encodeState(state),
      expiresAt: undefined,
      updatedAt: this.clock.now(),
    };
    const written =
      from.version === undefined
        ? await this.store.documents.create(document)
        : await this.store.documents.replace(document, from.version);
    if (!written) {
      throw refuse.precondition(
        RefusalReason.RotationPhase,
        "the CA rotation changed meanwhile (another admin or an automatic step): " +
          "look with warrenctl auth rotate --status and try again",
      );
    }
    await this.adopt({ state, version: written.version });
    return state;
  }

  private async adopt(loaded: Loaded): Promise<void> {
    const before = this.loaded.state.phase;
    this.loaded = loaded;
    this.currentView = viewOf(loaded.state);
    this.currentTrust = trustOf(loaded.state, this.currentView);
    this.logger.info(
      { from: before, phase: loaded.state.phase, caPin: this.currentView.pin },
      "the CA rotation moved",
    );
    // Listeners report their own failures; one that throws must not hold the others.
    await Promise.allSettled([...this.listeners].map(async (listener) => listener(loaded.state)));
  }
}
