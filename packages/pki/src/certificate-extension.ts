import forge from "node-forge";

/** A non-critical X.509 extension whose value is one UTF-8 string. */
export interface TextExtension {
  /** Dotted object identifier. */
  oid: string;
  value: string;
}

export function encodeTextExtension(extension: TextExtension) {
  const utf8 = forge.asn1.create(
    forge.asn1.Class.UNIVERSAL,
    forge.asn1.Type.UTF8,
    false,
    forge.util.encodeUtf8(extension.value),
  );
  return { id: extension.oid, critical: false, value: forge.asn1.toDer(utf8).getBytes() };
}

export function decodeTextExtension(cert: forge.pki.Certificate, oid: string): string | undefined {
  // @types/node-forge types `id` as a number; forge matches dotted OID strings.
  const getExtension = cert.getExtension.bind(cert) as unknown as (options: {
    id: string;
  }) => unknown;
  const extension = getExtension({ id: oid }) as { value?: unknown } | undefined;
  if (typeof extension?.value !== "string") return undefined;
  const node = forge.asn1.fromDer(extension.value);
  return typeof node.value === "string" ? forge.util.decodeUtf8(node.value) : undefined;
}
