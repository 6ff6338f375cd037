import { createPublicKey, type KeyObject } from "node:crypto";

import { PkiError, PkiErrorCode } from "./errors.js";

export interface CertifiedKey {
  publicKey: KeyObject;
  notAfter: Date;
}

/** A DER element: its tag, where it starts, and where its contents start and end. */
interface Element {
  tag: number;
  offset: number;
  start: number;
  end: number;
}

function element(der: Buffer, offset: number, limit: number): Element {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) throw new RangeError("truncated");
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes < 1 || bytes > 3) throw new RangeError("unsupported length");
    length = der.readUIntBE(start, bytes);
    start += bytes;
  }
  const end = start + length;
  if (end > limit) throw new RangeError("truncated");
  return { tag, offset, start, end };
}

/** The elements of a SEQUENCE's contents, in order. */
function children(der: Buffer, parent: Element): Element[] {
  const found: Element[] = [];
  for (let offset = parent.start; offset < parent.end; offset = found.at(-1)?.end ?? parent.end) {
    found.push(element(der, offset, parent.end));
  }
  return found;
}

// An AlgorithmIdentifier's contents for rsaEncryption (1.2.840.113549.1.1.1, no parameters).
const RSA_ENCRYPTION = Buffer.from("06092a864886f70d0101010500", "hex");
const UTC_TIME = 0x17;

function time(der: Buffer, at: Element): Date {
  const text = der.toString("latin1", at.start, at.end);
  // UTCTime's two-digit years are 1950–2049 (RFC 5280 4.1.2.5).
  const full = at.tag === UTC_TIME ? `${Number(text.slice(0, 2)) < 50 ? "20" : "19"}${text}` : text;
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(full) ?? [];
  const date = new Date(`${y ?? ""}-${mo ?? ""}-${d ?? ""}T${h ?? ""}:${mi ?? ""}:${s ?? ""}Z`);
  if (Number.isNaN(date.getTime())) throw new RangeError("bad time");
  return date;
}

/**
 * A certificate's public key and end of validity, read without X509Certificate. OpenSSL 3
 * imports a key from a certificate or an SPKI through its decoder framework, 0.1 ms each; an
 * RSA key from PKCS#1 DER takes 3 µs. After a restart the hub reads every agent's certificate
 * at once. Only for certificates the hub issued and stored: it checks no signature.
 */
export function readCertifiedKey(certificatePem: string): CertifiedKey {
  try {
    const der = Buffer.from(certificatePem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    const [tbs] = children(der, element(der, 0, der.length));
    if (!tbs) throw new RangeError("no tbsCertificate");
    const fields = children(der, tbs);
    // The version is optional and the only context-tagged element before the serial number.
    const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
    const [, , , validity, , spki] = rest;
    if (!validity || !spki) throw new RangeError("missing fields");
    const notAfter = children(der, validity)[1];
    const [algorithm, bits] = children(der, spki);
    if (!notAfter || !algorithm || !bits) throw new RangeError("missing fields");
    const rsa = der.subarray(algorithm.start, algorithm.end).equals(RSA_ENCRYPTION);
    const publicKey = rsa
      ? // The BIT STRING's first byte counts unused bits: what follows is RSAPublicKey.
        createPublicKey({
          key: der.subarray(bits.start + 1, bits.end),
          format: "der",
          type: "pkcs1",
        })
      : createPublicKey({ key: der.subarray(spki.offset, spki.end), format: "der", type: "spki" });
    return { publicKey, notAfter: time(der, notAfter) };
  } catch (cause) {
    throw new PkiError(PkiErrorCode.InvalidCertificate, "not a certificate this hub can read", {
      cause,
    });
  }
}
