/**
 * @module cluster/csr-request
 * What 1.32's CSR validation needs of `spec.request` (validateCSR: certificates.ParseCSR, then
 * CheckSignature): the first PEM block must be a `CERTIFICATE REQUEST`, its DER a PKCS#10
 * CertificationRequest whose signature verifies with the public key it carries. A small DER
 * reader does the parse and node:crypto the verification, so no X.509 library is needed.
 * Answers the error text Go's crypto/x509 gives, or `undefined` when the request is good.
 * Go's encoding/asn1 structure errors are summed up as `asn1: structure error: ...` texts.
 * `csrOrganizations` reads the subject's Organization values (the groups a client certificate
 * would carry).
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";

/** One DER element: its tag, where its content starts and ends, and where it ends whole. */
interface Element {
  tag: number;
  start: number;
  end: number;
}

class Asn1Error extends Error {}

const TRUNCATED = "asn1: syntax error: data truncated";

/** The element at `at` in `der`, within `limit`. */
function element(der: Buffer, at: number, limit = der.length): Element {
  if (at + 2 > limit) throw new Asn1Error(TRUNCATED);
  const tag = der[at]!;
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Asn1Error("asn1: syntax error: indefinite length found (not DER)");
    if (start + n > limit) throw new Asn1Error(TRUNCATED);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    start += n;
  }
  if (start + len > limit) throw new Asn1Error(TRUNCATED);
  return { tag, start, end: start + len };
}

/** The elements inside a constructed element. */
function children(der: Buffer, parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const e = element(der, at, parent.end);
    out.push(e);
    at = e.end;
  }
  return out;
}

/** An element's whole bytes (header included). */
function whole(der: Buffer, e: Element, header: number): Buffer {
  return der.subarray(header, e.end);
}

function expect(e: Element | undefined, tag: number, what: string): Element {
  if (!e) throw new Asn1Error(TRUNCATED);
  if (e.tag !== tag) throw new Asn1Error(`asn1: structure error: tags don't match${what ? ` (${what})` : ""}`);
  return e;
}

/** Dotted form of an OBJECT IDENTIFIER's content. */
function oidOf(der: Buffer, e: Element): string {
  const bytes = der.subarray(e.start, e.end);
  if (bytes.length === 0) return "";
  const arcs = [Math.min(2, Math.floor(bytes[0]! / 40)), bytes[0]! - 40 * Math.min(2, Math.floor(bytes[0]! / 40))];
  let v = 0;
  for (const b of bytes.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  return arcs.join(".");
}

/** The signature algorithms Go's x509 verifies: the hash node:crypto takes (null for Ed25519) and the key type it needs. */
const ALGORITHMS: Record<string, { hash: string | null; key: "rsa" | "ec" | "ed25519" | "rsa-pss"; name: string }> = {
  "1.2.840.113549.1.1.5": { hash: "sha1", key: "rsa", name: "SHA1-RSA" },
  "1.2.840.113549.1.1.11": { hash: "sha256", key: "rsa", name: "SHA256-RSA" },
  "1.2.840.113549.1.1.12": { hash: "sha384", key: "rsa", name: "SHA384-RSA" },
  "1.2.840.113549.1.1.13": { hash: "sha512", key: "rsa", name: "SHA512-RSA" },
  "1.2.840.113549.1.1.10": { hash: null, key: "rsa-pss", name: "RSASSA-PSS" },
  "1.2.840.10045.4.1": { hash: "sha1", key: "ec", name: "ECDSA-SHA1" },
  "1.2.840.10045.4.3.2": { hash: "sha256", key: "ec", name: "ECDSA-SHA256" },
  "1.2.840.10045.4.3.3": { hash: "sha384", key: "ec", name: "ECDSA-SHA384" },
  "1.2.840.10045.4.3.4": { hash: "sha512", key: "ec", name: "ECDSA-SHA512" },
  "1.3.101.112": { hash: null, key: "ed25519", name: "Ed25519" },
};

const GO_KEY_TYPE: Record<string, string> = { rsa: "*rsa.PublicKey", "rsa-pss": "*rsa.PublicKey", ec: "*ecdsa.PublicKey", ed25519: "ed25519.PublicKey" };
const KEY_NAME: Record<string, string> = { rsa: "an RSA", "rsa-pss": "an RSA", ec: "an ECDSA", ed25519: "an Ed25519" };

/** Verifies `signature` over `signed` with `key` as Go's checkSignature does for a CSR (SHA-1 allowed). */
function checkSignature(algorithm: string, signed: Buffer, signature: Buffer, key: KeyObject): string | undefined {
  const algo = ALGORITHMS[algorithm];
  if (!algo) return "x509: cannot verify signature: algorithm unimplemented";
  const type = key.asymmetricKeyType === "rsa-pss" ? "rsa" : key.asymmetricKeyType ?? "";
  const wanted = algo.key === "rsa-pss" ? "rsa" : algo.key;
  if (type !== wanted) return `x509: signature algorithm specifies ${KEY_NAME[algo.key]} public key, but have public key of type ${GO_KEY_TYPE[type] ?? type}`;
  if (algo.key === "rsa-pss") {
    // PSS with the hash of its parameters and a salt as long as the hash: try each Go supports.
    const ok = (["sha256", "sha384", "sha512"] as const).some((hash) =>
      verify(hash, signed, { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: -1 /* RSA_PSS_SALTLEN_DIGEST */ }, signature),
    );
    return ok ? undefined : "crypto/rsa: verification error";
  }
  if (verify(algo.hash, signed, key, signature)) return undefined;
  return algo.key === "rsa" ? "crypto/rsa: verification error" : algo.key === "ec" ? "x509: ECDSA verification failure" : "x509: Ed25519 verification failure";
}

/** Go's pem.Decode of the first block: its type and bytes (undefined when none). */
export function firstPemBlock(text: string): { type: string; bytes: Buffer } | undefined {
  const m = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const body = m[2]!.split(/\r?\n/).filter((l) => !l.includes(":")).join("");
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) return undefined;
  return { type: m[1]!, bytes: Buffer.from(body, "base64") };
}

/** ParseCSR and CheckSignature of a request's PEM bytes: the error text, or undefined when it verifies. */
export function csrRequestError(pem: Buffer): string | undefined {
  const block = firstPemBlock(pem.toString("latin1"));
  if (!block || block.type !== "CERTIFICATE REQUEST") return "PEM block type must be CERTIFICATE REQUEST";
  const der = block.bytes;
  try {
    const top = expect(element(der, 0), 0x30, "certificateRequest");
    if (top.end !== der.length) return "asn1: syntax error: trailing data";
    const [info, algorithm, signature] = children(der, top);
    const infoEl = expect(info, 0x30, "tbsCertificateRequest");
    const infoParts = children(der, infoEl);
    expect(infoParts[0], 0x02, "version");
    expect(infoParts[1], 0x30, "subject");
    const spkiEl = expect(infoParts[2], 0x30, "publicKey");
    const algoEl = expect(algorithm, 0x30, "signatureAlgorithm");
    const algoOid = expect(children(der, algoEl)[0], 0x06, "algorithm");
    const sigEl = expect(signature, 0x03, "signatureValue");
    const infoHeader = top.start;
    const spkiHeader = infoParts[1]!.end;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: whole(der, spkiEl, spkiHeader), format: "der", type: "spki" });
    } catch {
      return "x509: unknown public key algorithm";
    }
    const sig = der.subarray(sigEl.start + 1, sigEl.end);
    return checkSignature(oidOf(der, algoOid), whole(der, infoEl, infoHeader), sig, key);
  } catch (error) {
    if (error instanceof Asn1Error) return error.message;
    throw error;
  }
}

/** A directory string's text: UTF8, Printable, IA5 and T61 as bytes, BMP as UTF-16BE. */
function directoryString(der: Buffer, e: Element): string | undefined {
  const bytes = der.subarray(e.start, e.end);
  if (e.tag === 0x0c || e.tag === 0x13 || e.tag === 0x16) return bytes.toString("utf8");
  if (e.tag === 0x14) return bytes.toString("latin1");
  if (e.tag === 0x1e) return Buffer.from(bytes).swap16().toString("utf16le");
  return undefined;
}

const ORGANIZATION = "2.5.4.10";

/**
 * The subject's Organization values of a request's PEM bytes, in order, as pkix.Name fills
 * them; empty when it does not parse (validation refuses such a request before anyone asks).
 */
export function csrOrganizations(pem: Buffer): string[] {
  const block = firstPemBlock(pem.toString("latin1"));
  if (!block) return [];
  const der = block.bytes;
  try {
    const [info] = children(der, element(der, 0));
    const subject = children(der, info!)[1]!;
    const out: string[] = [];
    for (const rdn of children(der, subject)) {
      for (const atv of children(der, rdn)) {
        const [type, value] = children(der, atv);
        if (type?.tag !== 0x06 || !value || oidOf(der, type) !== ORGANIZATION) continue;
        const text = directoryString(der, value);
        if (text !== undefined) out.push(text);
      }
    }
    return out;
  } catch (error) {
    if (error instanceof Asn1Error) return [];
    throw error;
  }
}
