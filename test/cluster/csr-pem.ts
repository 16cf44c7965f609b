/**
 * @module test/cluster/csr-pem
 * PKCS#10 certificate signing requests for the tests, built with the emulated cluster's DER
 * encoders and signed by node:crypto (an ECDSA P-256 key): a good one, and one whose signature
 * does not match its content.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { bits, oid, sequence, set, tlv, utf8, integer } from "../../runtime/testing/cluster/auth/der.js";

/**
 * A CSR for `commonName` (and the `organizations`, a client certificate's groups) as PEM;
 * `tamper`: signed over other content, so the signature does not verify.
 */
export function csrPem(commonName: string, tamper = false, organizations: string[] = []): string {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const subject = sequence(...organizations.map((o) => set(sequence(oid("2.5.4.10"), utf8(o)))), set(sequence(oid("2.5.4.3"), utf8(commonName))));
  const info = sequence(integer(0), subject, publicKey.export({ type: "spki", format: "der" }), tlv(0xa0, Buffer.alloc(0)));
  const signature = sign("sha256", tamper ? Buffer.concat([info, Buffer.from("x")]) : info, privateKey);
  const der = sequence(info, sequence(oid("1.2.840.10045.4.3.2")), bits(signature));
  const body = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${body}-----END CERTIFICATE REQUEST-----\n`;
}

/** The base64 of a PEM, as a CSR's `spec.request` carries it in JSON. */
export const requestOf = (pem: string): string => Buffer.from(pem).toString("base64");
