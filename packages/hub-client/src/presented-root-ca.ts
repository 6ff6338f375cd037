import { X509Certificate } from "node:crypto";

import { credentials } from "@grpc/grpc-js";
import { JoinServiceClient } from "@warren/proto";

import { hubChannel } from "./channel.js";
import { fetchPresentedCertificates } from "./presented-certificates.js";
import { callUnary } from "./unary-call.js";

function isSelfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

const sameKey = (a: X509Certificate, b: X509Certificate) => a.publicKey.equals(b.publicKey);

/** The hub's trust bundle, read without checking the hub: only what matches a key is used. */
async function unverifiedTrustBundle(host: string, port: number): Promise<string[]> {
  const channel = hubChannel(`${host}:${String(port)}`, { caPem: "" });
  const client = new JoinServiceClient(
    channel.target,
    credentials.createSsl(null, null, null, { rejectUnauthorized: false }),
    channel.options,
  );
  try {
    return (await callUnary(client.getTrustBundle.bind(client), {})).caCertificatesPem;
  } finally {
    client.close();
  }
}

/**
 * The self-signed CA certificate of the key the hub's chain ends in: what a client that is
 * about to compare a pin (first join, first login) may anchor its trust on. During a CA
 * rotation the chain ends in the new CA cross-signed by the old one, which OpenSSL cannot
 * anchor on; its self-signed twin (same key, so same pin) is then taken from the hub's trust
 * bundle. Nothing is trusted here: the caller still compares the pin.
 */
export async function presentedRootCa(options: { host: string; port: number }): Promise<string> {
  const { rootPem } = await fetchPresentedCertificates(options);
  const top = new X509Certificate(rootPem);
  if (isSelfSigned(top)) return rootPem;
  const twin = (await unverifiedTrustBundle(options.host, options.port))
    .map((pem) => new X509Certificate(pem))
    .find((cert) => sameKey(cert, top) && isSelfSigned(cert));
  if (!twin) {
    throw new Error(
      `${options.host}:${String(options.port)} presents a CA certificate that is not self-signed ` +
        "and offers no self-signed certificate of its key",
    );
  }
  return twin.toString();
}
