import type { experimental } from "@grpc/grpc-js";

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * Hands grpc-js a fixed CA and serving identity. grpc-js's certificate-provider credentials
 * are its only server TLS mode that requests client certificates without requiring them,
 * which the API needs: joins come without one, admin calls and renewals with one.
 */
export class StaticCertificateProvider implements CertificateProvider {
  constructor(
    private readonly caPem: string,
    private readonly identity: { certificateChainPem: string; privateKeyPem: string },
  ) {}

  addCaCertificateListener(listener: CaListener): void {
    listener({ caCertificate: Buffer.from(this.caPem) });
  }

  removeCaCertificateListener(): void {
    // Nothing changes, so nothing to stop.
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    listener({
      certificate: Buffer.from(this.identity.certificateChainPem),
      privateKey: Buffer.from(this.identity.privateKeyPem),
    });
  }

  removeIdentityCertificateListener(): void {
    // Nothing changes, so nothing to stop.
  }
}
