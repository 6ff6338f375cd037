import type { Clock } from "../clock.js";
import type { ServingNow } from "../kube/server-name-contexts.js";
import type { HubAuthorities } from "./hub-authorities.js";
import { issueServerIdentity } from "./server-identity.js";

/**
 * The hub's serving certificate for every name it is reached by, from the CA that serves now:
 * issued at start and again whenever a CA rotation moves.
 */
export class ServingIdentities {
  private constructor(
    private now: ServingNow,
    private readonly authorities: HubAuthorities,
    private readonly names: readonly string[],
    private readonly clock: Clock,
  ) {}

  static async issue(
    authorities: HubAuthorities,
    names: readonly string[],
    clock: Clock,
  ): Promise<ServingIdentities> {
    return new ServingIdentities(
      await issued(authorities, names, clock),
      authorities,
      names,
      clock,
    );
  }

  get current(): ServingNow {
    return this.now;
  }

  async refresh(): Promise<ServingNow> {
    this.now = await issued(this.authorities, this.names, this.clock);
    return this.now;
  }
}

async function issued(
  authorities: HubAuthorities,
  names: readonly string[],
  clock: Clock,
): Promise<ServingNow> {
  const { view } = authorities;
  return {
    view,
    identity: await issueServerIdentity(view, names, clock),
    trustedPem: authorities.trustedPem,
    // Named in the TLS certificate request too: clients send a certificate only when its CA
    // is named, and one from a dropped CA should hear why it is refused.
    requestedPem: authorities.trustedPem + authorities.state.retired.join(""),
  };
}
