import { X509Certificate } from "node:crypto";

import { verifyIssuedBy } from "@warren/pki";
import type { TunnelInfo } from "@warren/proto";
import { sshPublicKey } from "@warren/tunnel";

import { AgentError, AgentErrorCode } from "../errors.js";

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

/**
 * The SSH host key the agent may accept: the key of the hub's tunnel certificate, which must
 * chain to the CA in the agent's identity and be for serving. The SSH protocol has no place for
 * X.509, so the hub's CA vouches for the host key this way.
 */
export function certifiedHostKey(tunnel: TunnelInfo, caPem: string): Buffer {
  try {
    verifyIssuedBy(tunnel.hostCertificatePem, caPem);
  } catch (error) {
    throw new AgentError(
      AgentErrorCode.CaMismatch,
      `the hub's tunnel certificate is not from the CA this agent trusts: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const cert = new X509Certificate(tunnel.hostCertificatePem);
  if (!(cert.keyUsage as string[] | undefined)?.includes(SERVER_AUTH)) {
    throw new AgentError(
      AgentErrorCode.CaMismatch,
      "the hub's tunnel certificate is not a server certificate",
    );
  }
  return sshPublicKey(cert.publicKey);
}
