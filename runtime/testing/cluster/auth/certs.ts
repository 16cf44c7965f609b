/**
 * @module cluster/auth/certs
 * The emulated cluster's PKI: a CA made at start and a serving certificate it signs for
 * `127.0.0.1`, `::1`, `localhost` and the in-cluster `kubernetes.default.svc` names (and any
 * more DNS names and IP addresses asked for, e.g. a webhook's Service or address). Keys are
 * ECDSA P-256; both certificates are valid for ten years from an hour ago, so nothing expires
 * while a test run (or a project) lives and small clock skews do not matter.
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { bits, boolean, explicit, implicit, integer, octets, oid, sequence, set, time, utf8 } from "./der.js";
import type { Der } from "./der.js";

/** PEM texts of the cluster's PKI. Only `keyPem` is secret. */
export interface ClusterCertificates {
  /** The CA certificate clients trust (a kubeconfig's `certificate-authority-data`, a pod's `ca.crt`). */
  caPem: string;
  /** The serving certificate, signed by the CA. */
  certPem: string;
  /** The serving certificate's private key (PKCS#8). */
  keyPem: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
const ECDSA_WITH_SHA256 = sequence(oid("1.2.840.10045.4.3.2"));
const SERVER_DNS_NAMES = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];
const SERVER_IPS = [Buffer.from([127, 0, 0, 1]), Buffer.from([...new Array<number>(15).fill(0), 1])];

function name(commonName: string): Der {
  return sequence(set(sequence(oid("2.5.4.3"), utf8(commonName))));
}

function extension(id: string, critical: boolean, value: Der): Der {
  return critical ? sequence(oid(id), boolean(true), octets(value)) : sequence(oid(id), octets(value));
}

function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha1").update(spki).digest();
}

function toPem(der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

interface CertificateSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  issuerPublicKey: KeyObject;
  signingKey: KeyObject;
  isCA: boolean;
  /** Extra DNS names of a serving certificate (besides the API server's). */
  dnsNames?: readonly string[];
  /** Extra IP addresses of a serving certificate (besides the loopback ones), as iPAddress bytes. */
  ipAddresses?: readonly Buffer[];
}

/** The typed error of an address `createCertificates` cannot put in a certificate. */
export class CertificateAddressError extends Error {
  readonly code = "invalid_certificate_address";
  constructor(readonly address: string) {
    super(`ipAddresses: "${address}" is not an IPv4 or IPv6 address`);
    this.name = "CertificateAddressError";
  }
}

/** An address's bytes, as a subjectAltName's iPAddress holds them (RFC 5280 §4.2.1.6): 4 for IPv4, 16 for IPv6. */
export function addressBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split(".").map(Number));
  if (!isIPv6(address) || address.includes("%")) throw new CertificateAddressError(address);
  // A dotted IPv4 tail (`::ffff:10.0.0.1`) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  const text = v4 ? address.slice(0, -v4.length) + addressBytes(v4).toString("hex").replace(/^(.{4})/, "$1:") : address;
  const [head, tail] = text.split("::") as [string, string?];
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return Buffer.from(all.map((g) => g.padStart(4, "0")).join(""), "hex");
}

function certificate(spec: CertificateSpec): Buffer {
  const notBefore = new Date(Date.now() - 3600 * 1000);
  const notAfter = new Date(notBefore.getTime() + TEN_YEARS_MS);
  const extensions = spec.isCA
    ? [
        extension("2.5.29.19", true, sequence(boolean(true))),
        // digitalSignature | keyCertSign | cRLSign: bits 0, 5 and 6 (one unused bit).
        extension("2.5.29.15", true, bits(Buffer.from([0x86]), 1)),
      ]
    : [
        extension("2.5.29.19", true, sequence()),
        // digitalSignature: bit 0 (seven unused bits).
        extension("2.5.29.15", true, bits(Buffer.from([0x80]), 7)),
        extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"))),
        extension(
          "2.5.29.17",
          false,
          sequence(...[...SERVER_DNS_NAMES, ...(spec.dnsNames ?? [])].map((dns) => implicit(2, Buffer.from(dns))), ...[...SERVER_IPS, ...(spec.ipAddresses ?? [])].map((ip) => implicit(7, ip))),
        ),
      ];
  extensions.push(extension("2.5.29.14", false, octets(keyIdentifier(spec.publicKey))));
  extensions.push(extension("2.5.29.35", false, sequence(implicit(0, keyIdentifier(spec.issuerPublicKey)))));
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    ECDSA_WITH_SHA256,
    name(spec.issuer),
    sequence(time(notBefore), time(notAfter)),
    name(spec.subject),
    spec.publicKey.export({ type: "spki", format: "der" }),
    explicit(3, sequence(...extensions)),
  );
  return sequence(tbs, ECDSA_WITH_SHA256, bits(sign("sha256", tbs, spec.signingKey)));
}

/**
 * Generates a fresh CA and a serving certificate signed by it (`dnsNames`: more names it is
 * valid for, e.g. a webhook Service's `<name>.<namespace>.svc`; `ipAddresses`: more addresses,
 * IPv4 or IPv6, e.g. the one a local webhook server listens on; a bad one throws
 * `CertificateAddressError`).
 *
 * @example
 * const { caPem, certPem, keyPem } = await createCertificates();
 * https.createServer({ cert: certPem, key: keyPem }, handler);
 * // clients: new undici.Agent({ connect: { ca: caPem } })
 */
export async function createCertificates(options: { dnsNames?: readonly string[]; ipAddresses?: readonly string[] } = {}): Promise<ClusterCertificates> {
  const ipAddresses = (options.ipAddresses ?? []).map(addressBytes);
  const ca = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const server = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const caDer = certificate({
    subject: "podfn-emulated-cluster-ca",
    issuer: "podfn-emulated-cluster-ca",
    publicKey: ca.publicKey,
    issuerPublicKey: ca.publicKey,
    signingKey: ca.privateKey,
    isCA: true,
  });
  const serverDer = certificate({
    subject: "kube-apiserver",
    issuer: "podfn-emulated-cluster-ca",
    publicKey: server.publicKey,
    issuerPublicKey: ca.publicKey,
    signingKey: ca.privateKey,
    isCA: false,
    dnsNames: options.dnsNames ?? [],
    ipAddresses,
  });
  const caPem = toPem(caDer);
  const certPem = toPem(serverDer);
  // Self-check: a malformed encoding must fail here, not in a TLS handshake far away.
  if (!new X509Certificate(certPem).verify(createPublicKey(caPem))) throw new Error("emulated cluster certificate does not verify");
  return { caPem, certPem, keyPem: server.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}
