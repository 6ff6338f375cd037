import { X509Certificate } from "node:crypto";

import { verifyIssuedBy } from "@warren/pki";
import type { TunnelInfo } from "@warren/proto";
import { sshPublicKey } from "@warren/tunnel";

import { AgentError, AgentErrorCode } from "../errors.js";

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

/**
 * The SSH host keys the agent may accept: the keys of the hub's tunnel certificates, each of
 * which must chain to the CA in the agent's identity and be for serving. The SSH protocol has
 * no place for X.509, so the hub's CA vouches for the host keys this way. A hub of an earlier
 * version names one certificate only (host_certificate_pem).
 */
export function certifiedHostKeys(tunnel: TunnelInfo, caPem: string): Buffer[] {
  const certificates =
    tunnel.hostCertificatePems.length > 0
      ? tunnel.hostCertificatePems
      : [tunnel.hostCertificatePem];
  return certificates.map((pem) => certifiedHostKey(pem, caPem));
}

function certifiedHostKey(certificatePem: string, caPem: string): Buffer {
  try {
    verifyIssuedBy(certificatePem, caPem);
  } catch (error) {
    throw new AgentError(
      AgentErrorCode.CaMismatch,
      `the hub's tunnel certificate is not from the CA this agent trusts: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const cert = new X509Certificate(certificatePem);
  if (!(cert.keyUsage as string[] | undefined)?.includes(SERVER_AUTH)) {
    throw new AgentError(
      AgentErrorCode.CaMismatch,
      "the hub's tunnel certificate is not a server certificate",
    );
  }
  return sshPublicKey(cert.publicKey);
}
