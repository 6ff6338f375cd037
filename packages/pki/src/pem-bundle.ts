const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g;

/** The certificates of a PEM bundle, each ending in a newline, in order. */
export function splitPemBundle(bundlePem: string): string[] {
  return (bundlePem.match(CERTIFICATE_PEM) ?? []).map((pem) =>
    pem.endsWith("\n") ? pem : `${pem}\n`,
  );
}
