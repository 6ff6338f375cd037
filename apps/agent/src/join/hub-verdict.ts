import type { TunnelInfo } from "@warren/proto";

/** What the hub made of the agent's identity when the agent last checked. */
export type HubVerdict =
  | {
      kind: "recognised";
      certificateExpiresAt: Date;
      tunnel: TunnelInfo | undefined;
      /** The CAs the hub trusts now (empty from hubs before CA rotation). */
      caCertificatesPem: string[];
    }
  /** The hub presents a CA other than the one the identity trusts. */
  | { kind: "ca_changed"; trustedPins: string[]; presentedPin: string }
  | { kind: "unreachable"; message: string }
  /** The hub's CA is the trusted one, but it refuses the identity (revoked, unknown). */
  | { kind: "rejected"; message: string };
