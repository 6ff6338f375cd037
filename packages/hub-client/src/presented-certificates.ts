import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { connect, type DetailedPeerCertificate } from "node:tls";

export interface PresentedCertificates {
  /** The server's certificate, PEM. */
  leafPem: string;
  /** The top of the chain the server sent (its CA when it sends one), PEM. */
  rootPem: string;
}

function toPem(der: Buffer): string {
  return new X509Certificate(der).toString();
}

// Node's types promise more than it delivers: a chain may simply stop, and a peer that sent
// no certificate yields an empty object.
type MaybeCertificate = Partial<DetailedPeerCertificate> | undefined;

function topOfChain(cert: DetailedPeerCertificate): DetailedPeerCertificate {
  let current = cert;
  for (;;) {
    const issuer = current.issuerCertificate as MaybeCertificate;
    // A self-signed certificate is its own issuer; Node links it to itself.
    if (issuer?.raw === undefined || issuer === current) return current;
    current = issuer as DetailedPeerCertificate;
  }
}

export interface FetchPresentedCertificatesOptions {
  host: string;
  port: number;
  /** Default 10000. */
  timeoutMs?: number;
}

/**
 * Reads the certificates a TLS server presents, without trusting them: how a client that does
 * not know the hub's CA yet (first join) or no longer agrees with it (CA changed) finds out
 * which CA the hub has, to compare with a pin or a stored bundle.
 */
export function fetchPresentedCertificates(
  options: FetchPresentedCertificatesOptions,
): Promise<PresentedCertificates> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: options.host,
      port: options.port,
      ...(isIP(options.host) === 0 ? { servername: options.host } : {}),
      // Nothing is sent over this connection; it exists only to see the certificates.
      rejectUnauthorized: false,
      ALPNProtocols: ["h2"],
      timeout: options.timeoutMs ?? 10_000,
    });
    socket.once("secureConnect", () => {
      const leaf = socket.getPeerCertificate(true);
      const raw: Buffer | undefined = (leaf as MaybeCertificate)?.raw;
      socket.destroy();
      if (raw === undefined) {
        reject(new Error(`${options.host}:${options.port} presented no certificate`));
        return;
      }
      resolve({ leafPem: toPem(leaf.raw), rootPem: toPem(topOfChain(leaf).raw) });
    });
    socket.once("timeout", () => {
      socket.destroy(new Error(`no TLS handshake with ${options.host}:${options.port} in time`));
    });
    socket.once("error", reject);
  });
}
