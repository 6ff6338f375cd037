import type { experimental } from "@grpc/grpc-js";

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

export interface ServingCredentials {
  /** The CAs client certificates may come from. */
  caPem: string;
  identity: { certificateChainPem: string; privateKeyPem: string };
}

/**
 * Hands grpc-js the CAs and serving identity, and new ones when a CA rotation moves (new
 * connections use them; open ones keep theirs). grpc-js's certificate-provider credentials
 * are its only server TLS mode that requests client certificates without requiring them,
 * which the API needs: joins come without one, admin calls and renewals with one.
 *
 * Updates are delivered on a later tick: grpc-js subscribes to the provider before it adds the
 * server's own watcher, so a synchronous update would reach nobody and the server would drop
 * every connection for "unloaded credentials".
 */
export class ServingCertificateProvider implements CertificateProvider {
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();

  constructor(private credentials: ServingCredentials) {}

  update(credentials: ServingCredentials): void {
    this.credentials = credentials;
    for (const listener of this.caListeners) this.sendCa(listener);
    for (const listener of this.identityListeners) this.sendIdentity(listener);
  }

  private sendCa(listener: CaListener): void {
    listener({ caCertificate: Buffer.from(this.credentials.caPem) });
  }

  private sendIdentity(listener: IdentityListener): void {
    listener({
      certificate: Buffer.from(this.credentials.identity.certificateChainPem),
      privateKey: Buffer.from(this.credentials.identity.privateKeyPem),
    });
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    queueMicrotask(() => {
      this.sendCa(listener);
    });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    queueMicrotask(() => {
      this.sendIdentity(listener);
    });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }
}
