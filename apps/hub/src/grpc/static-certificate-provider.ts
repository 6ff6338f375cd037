import type { experimental } from "@grpc/grpc-js";

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * Hands grpc-js a fixed CA and serving identity. grpc-js's certificate-provider credentials
 * are its only server TLS mode that requests client certificates without requiring them,
 * which the API needs: joins come without one, admin calls and renewals with one.
 *
 * Updates are delivered on a later tick: grpc-js subscribes to the provider before it adds the
 * server's own watcher, so a synchronous update would reach nobody and the server would drop
 * every connection for "unloaded credentials".
 */
export class StaticCertificateProvider implements CertificateProvider {
  constructor(
    private readonly caPem: string,
    private readonly identity: { certificateChainPem: string; privateKeyPem: string },
  ) {}

  addCaCertificateListener(listener: CaListener): void {
    queueMicrotask(() => {
      listener({ caCertificate: Buffer.from(this.caPem) });
    });
  }

  removeCaCertificateListener(): void {
    // Nothing changes, so nothing to stop.
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    queueMicrotask(() => {
      listener({
        certificate: Buffer.from(this.identity.certificateChainPem),
        privateKey: Buffer.from(this.identity.privateKeyPem),
      });
    });
  }

  removeIdentityCertificateListener(): void {
    // Nothing changes, so nothing to stop.
  }
}
