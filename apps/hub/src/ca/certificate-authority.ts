import type { Logger } from "@warren/log";
import { caPin, createCertificateAuthority, type CertificateAuthority } from "@warren/pki";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";

const CA_VALIDITY_MS = 10 * 365 * 24 * 3_600_000;

export interface HubCertificateAuthority extends CertificateAuthority {
  /** sha256:… of the CA key, which agents pin. */
  pin: string;
}

/**
 * The hub's CA: the one in the store, or a new one on first start. Everything the hub issues
 * chains to it, so a hub started on an empty data directory is, to agents, a different hub.
 */
export async function ensureCertificateAuthority(
  store: HubStore,
  clock: Clock,
  logger: Logger,
): Promise<HubCertificateAuthority> {
  const existing = await store.certificateAuthority.get();
  if (existing) {
    const pin = caPin(existing.certificatePem);
    logger.info({ caPin: pin }, "using the hub's certificate authority");
    return { ...existing, pin };
  }
  const created = await createCertificateAuthority({
    subject: { commonName: "Warren hub CA", organizations: ["warren"] },
    validityMs: CA_VALIDITY_MS,
    now: clock.now(),
  });
  // initialize() keeps a CA another process stored first, so two hubs never diverge.
  const stored = await store.certificateAuthority.initialize({
    ...created,
    createdAt: clock.now(),
  });
  const pin = caPin(stored.certificatePem);
  logger.info({ caPin: pin, store: store.location }, "created the hub's certificate authority");
  return { certificatePem: stored.certificatePem, privateKeyPem: stored.privateKeyPem, pin };
}
