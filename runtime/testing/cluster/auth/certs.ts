/**
 * @module cluster/auth/certs
 * The emulated cluster's PKI: a CA made at start and a serving certificate it signs for
 * `127.0.0.1`, `::1`, `localhost` and the in-cluster `kubernetes.default.svc` names. Keys are
 * ECDSA P-256; both certificates are valid for ten years from an hour ago, so nothing expires
 * while a test run (or a project) lives and small clock skews do not matter.
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
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
          sequence(...[...SERVER_DNS_NAMES, ...(spec.dnsNames ?? [])].map((dns) => implicit(2, Buffer.from(dns))), ...SERVER_IPS.map((ip) => implicit(7, ip))),
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
 * valid for, e.g. a webhook Service's `<name>.<namespace>.svc`).
 *
 * @example
 * const { caPem, certPem, keyPem } = await createCertificates();
 * https.createServer({ cert: certPem, key: keyPem }, handler);
 * // clients: new undici.Agent({ connect: { ca: caPem } })
 */
export async function createCertificates(options: { dnsNames?: readonly string[] } = {}): Promise<ClusterCertificates> {
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
  });
  const caPem = toPem(caDer);
  const certPem = toPem(serverDer);
  // Self-check: a malformed encoding must fail here, not in a TLS handshake far away.
  if (!new X509Certificate(certPem).verify(createPublicKey(caPem))) throw new Error("emulated cluster certificate does not verify");
  return { caPem, certPem, keyPem: server.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}
