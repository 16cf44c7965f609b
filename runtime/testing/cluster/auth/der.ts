/**
 * @module cluster/auth/der
 * The few DER (ASN.1) encoders an X.509 certificate needs: enough to build a TBSCertificate
 * by hand and sign it with node:crypto, so the emulated cluster needs no X.509 library.
 */

/** One encoded ASN.1 element (tag, length, value). */
export type Der = Buffer;

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** An element with the given tag byte around `content`. */
export function tlv(tag: number, content: Buffer): Der {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

/** SEQUENCE of the given elements. */
export function sequence(...items: Der[]): Der {
  return tlv(0x30, Buffer.concat(items));
}

/** SET of the given elements (callers pass them already in DER order). */
export function set(...items: Der[]): Der {
  return tlv(0x31, Buffer.concat(items));
}

/** A non-negative INTEGER from its big-endian magnitude (a leading zero is added when needed). */
export function integer(magnitude: Buffer | number): Der {
  let bytes = typeof magnitude === "number" ? Buffer.from([magnitude]) : magnitude;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** OBJECT IDENTIFIER from dotted form, e.g. `"2.5.4.3"`. */
export function oid(dotted: string): Der {
  const arcs = dotted.split(".").map(Number);
  const out: number[] = [40 * (arcs[0] ?? 0) + (arcs[1] ?? 0)];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** BOOLEAN. */
export function boolean(value: boolean): Der {
  return tlv(0x01, Buffer.from([value ? 0xff : 0]));
}

/** UTF8String. */
export function utf8(value: string): Der {
  return tlv(0x0c, Buffer.from(value, "utf8"));
}

/** OCTET STRING. */
export function octets(value: Buffer): Der {
  return tlv(0x04, value);
}

/** BIT STRING; `unusedBits` is how many low bits of the last byte are padding. Default: 0. */
export function bits(value: Buffer, unusedBits = 0): Der {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), value]));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §4.1.2.5). */
export function time(date: Date): Der {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

/** Context-specific explicit (constructed) tag `[n]` around an element. */
export function explicit(n: number, inner: Der): Der {
  return tlv(0xa0 | n, inner);
}

/** Context-specific implicit primitive tag `[n]` with raw content (e.g. a SAN entry). */
export function implicit(n: number, content: Buffer): Der {
  return tlv(0x80 | n, content);
}
