import { identityUri, type Labels } from "@warren/identity";
import {
  issueCertificate,
  PkiError,
  readCertificate,
  readCertificateRequest,
  type CertificateAuthority,
  type CertificateInfo,
} from "@warren/pki";
import type { AgentIdentity } from "@warren/proto";

import { refuse } from "../errors.js";

export interface AgentSubject {
  agentId: string;
  clusterName: string;
}

export interface IssuedAgentCertificate {
  pem: string;
  info: CertificateInfo;
}

/** The public key of a request, or a refusal that says the request is bad. */
export function requestPublicKey(csrPem: string): string {
  try {
    return readCertificateRequest(csrPem).publicKeyPem;
  } catch (error) {
    if (error instanceof PkiError) throw refuse.invalid(`csr_pem: ${error.message}`);
    throw error;
  }
}

/** A client certificate that binds the agent id and its cluster, for the key in `csrPem`. */
export function issueAgentCertificate(
  ca: CertificateAuthority,
  csrPem: string,
  subject: AgentSubject,
  validityMs: number,
  now: Date,
): IssuedAgentCertificate {
  const pem = issueCertificate({
    ca,
    publicKeyPem: requestPublicKey(csrPem),
    subject: { commonName: subject.agentId },
    uris: [identityUri({ kind: "agent", ...subject })],
    usages: ["clientAuth"],
    validityMs,
    now,
  });
  return { pem, info: readCertificate(pem) };
}

/** The identity as the agent receives it, with its cluster's labels as the admin set them. */
export function agentIdentityMessage(
  subject: AgentSubject,
  clusterLabels: Labels,
  certificate: IssuedAgentCertificate,
  caPems: readonly string[],
): AgentIdentity {
  return {
    agentId: subject.agentId,
    clusterName: subject.clusterName,
    labels: clusterLabels,
    certificatePem: certificate.pem,
    caCertificatesPem: [...caPems],
    expiresAtUnixMs: certificate.info.notAfter.getTime(),
  };
}
