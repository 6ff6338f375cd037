import type { Logger } from "@warren/log";
import { caPin, issuerIn } from "@warren/pki";
import type {
  SetCertificateAuthoritiesRequest,
  SetCertificateAuthoritiesResponse,
} from "@warren/proto";

import { bundlePins } from "../join/hub-api.js";
import type { IdentityKeeper } from "./identity-keeper.js";

const samePins = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((pin) => b.includes(pin));

/**
 * Follows the hub's CA rotation, as each replica tells it over its tunnel: trusts the CAs the
 * hub trusts (saved in the state, so a restart keeps them), renews when another CA signs
 * agents now, and checks the tunnel with the host certificate the hub serves now. Replicas
 * may tell it at once; one update is handled at a time.
 */
export class AuthorityFollower {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly identity: IdentityKeeper,
    private readonly logger: Logger,
  ) {}

  follow(update: SetCertificateAuthoritiesRequest): Promise<SetCertificateAuthoritiesResponse> {
    return this.queued(() => this.apply(update));
  }

  /**
   * Trusts the CAs the hub trusts, as its identity check reports them: how an agent that
   * missed a push (offline, or its tunnel refused the hub's new host certificate) catches up.
   */
  async trustBundle(caCertificatesPem: readonly string[]): Promise<void> {
    if (caCertificatesPem.length === 0) return;
    await this.queued(() => this.trustOnly(caCertificatesPem, "identity check"));
  }

  private queued<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Trusts exactly `caCertificatesPem` if it shares a CA with what is trusted now. */
  private async trustOnly(caCertificatesPem: readonly string[], phase: string): Promise<void> {
    const current = this.identity.identity;
    if (!current) throw new Error("the agent has no identity yet");
    const bundle = caCertificatesPem.join("");
    const trusted = bundlePins(current.caPem);
    const offered = bundlePins(bundle);
    if (!offered.some((pin) => trusted.includes(pin))) {
      // The hub proved itself with a CA we trust; a list without it is no rotation we know.
      this.logger.warn(
        { trustedCaPins: trusted, offeredCaPins: offered },
        "the hub sent certificate authorities none of which this agent trusts; ignored",
      );
      return;
    }
    if (samePins(trusted, offered)) return;
    await this.identity.trust(bundle);
    this.logger.info(
      { phase, trustedCaPins: offered, before: trusted },
      "now trusts the hub's certificate authorities",
    );
  }

  private async apply(
    update: SetCertificateAuthoritiesRequest,
  ): Promise<SetCertificateAuthoritiesResponse> {
    await this.trustOnly(update.caCertificatesPem, update.phase);
    if (update.tunnel) this.identity.useTunnel(update.tunnel);
    if (this.report().certificateCaPin !== update.signingCaPin) {
      await this.identity.renewNow();
      this.logger.info(
        { phase: update.phase, caPin: update.signingCaPin },
        "renewed the agent certificate from the CA that signs agents now",
      );
    }
    return this.report();
  }

  private report(): SetCertificateAuthoritiesResponse {
    const state = this.identity.identity;
    if (!state) return { trustedCaPins: [], certificateCaPin: "" };
    const issuer = issuerIn(state.certificatePem, state.caPem);
    return {
      trustedCaPins: bundlePins(state.caPem),
      certificateCaPin: issuer ? caPin(issuer) : "",
    };
  }
}
