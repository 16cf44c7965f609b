/**
 * @module admission/certificate
 * The webhook server's serving certificate: read from two PEM files (a cert-manager Secret
 * mounted as `tls.crt` and `tls.key`), checked as a pair before it is used, and read again every
 * `intervalMs` (10 s): a Secret volume is updated in place when cert-manager renews it (the
 * kubelet swaps a symlink), and a changed pair that works is put in service with
 * `server.setSecureContext` (connections made from then on present it; open ones keep theirs). A
 * pair that is missing or unusable at start is an `AdmissionCertificateError` naming the files and
 * what is wrong; a changed pair that does not work yet (the certificate renewed before its key)
 * is logged once and the previous one kept. Messages name files and OpenSSL's reason, never
 * what the files hold.
 */
// `fs.promises` is read where used: node:fs/promises (~0.9 ms) loads only in a process that serves webhooks.
import { promises as fs, readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { X509Certificate } from "node:crypto";
import type { Logger } from "pino";
import { PodfnError } from "../errors.js";

/** Where the certificate and its key are read. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** A certificate and its key, as read (PEM). */
export interface CertificatePair {
  cert: Buffer;
  key: Buffer;
}

/** The webhook server cannot serve: its certificate or key is missing or unusable. */
export class AdmissionCertificateError extends PodfnError {
  declare readonly code: "admission_certificate_invalid";

  constructor(message: string, options?: { cause?: unknown }) {
    super("admission_certificate_invalid", message, options);
  }
}

/** Default: how often the files are read again. */
export const CERTIFICATE_POLL_MS = 10_000;

/** Why a file could not be read, in words (the error code; never its content). */
function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a folder" : (code ?? "cannot be read");
}

/** OpenSSL's reason for refusing a pair (`key values mismatch`, `no start line`), without the library's prefix. */
function tlsProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/i, "").split("\n")[0]!.slice(0, 200);
}

/** Throws `AdmissionCertificateError` unless `pair` is a certificate and its key that TLS can serve. */
export function checkPair(pair: CertificatePair, files: CertificateFiles): void {
  try {
    createSecureContext({ cert: pair.cert, key: pair.key });
  } catch (error) {
    throw new AdmissionCertificateError(`the admission webhook's certificate ${files.certFile} and key ${files.keyFile} cannot be served: ${tlsProblem(error)}`);
  }
}

/**
 * Reads and checks the pair, for the server's start. Throws `AdmissionCertificateError` naming each
 * file that cannot be read.
 *
 * @example
 * const pair = readCertificate({ certFile: "/tmp/k8s-webhook-server/serving-certs/tls.crt", keyFile: ".../tls.key" });
 */
export function readCertificate(files: CertificateFiles): CertificatePair {
  const problems: string[] = [];
  const read = (path: string): Buffer | undefined => {
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push(`${path}: ${readProblem(error)}`);
      return undefined;
    }
  };
  const cert = read(files.certFile);
  const key = read(files.keyFile);
  if (!cert || !key) throw new AdmissionCertificateError(`the admission webhook's TLS certificate cannot be read (${problems.join("; ")})`);
  const pair = { cert, key };
  checkPair(pair, files);
  return pair;
}

/** What a log line says of a certificate: its subject, names, expiry and fingerprint (public). */
export function describeCertificate(cert: Buffer): Record<string, string> {
  try {
    const x509 = new X509Certificate(cert);
    return { subject: x509.subject.replace(/\n/g, ","), names: x509.subjectAltName ?? "", validTo: new Date(x509.validTo).toISOString(), fingerprint: x509.fingerprint256 };
  } catch {
    return {};
  }
}

/**
 * Reads the files every `intervalMs` and hands a changed pair that works to `use` (the server's
 * `setSecureContext`). Returns the function that stops it.
 *
 * @example
 * const stop = watchCertificate(files, pair, (p) => server.setSecureContext(p), logger);
 */
export function watchCertificate(files: CertificateFiles, first: CertificatePair, use: (pair: CertificatePair) => void, logger: Logger, intervalMs = CERTIFICATE_POLL_MS): () => void {
  let current = first;
  /** The last changed pair refused, so it is logged once. */
  let refused: CertificatePair | undefined;
  let reading = false;
  const same = (a: CertificatePair, b: CertificatePair) => a.cert.equals(b.cert) && a.key.equals(b.key);
  const timer = setInterval(function pollCertificate() {
    if (reading) return;
    reading = true;
    Promise.all([fs.readFile(files.certFile), fs.readFile(files.keyFile)])
      .then(([cert, key]) => {
        const pair = { cert, key };
        if (same(pair, current) || (refused && same(pair, refused))) return;
        try {
          checkPair(pair, files);
          use(pair);
        } catch (error) {
          refused = pair;
          logger.warn({ certFile: files.certFile, keyFile: files.keyFile, reason: (error as Error).message }, "the admission webhook's certificate changed but cannot be served yet: still serving the previous one");
          return;
        }
        current = pair;
        refused = undefined;
        logger.info({ certFile: files.certFile, ...describeCertificate(cert) }, "the admission webhook's certificate changed: new connections get the new one");
      })
      .catch((error: unknown) => {
        // Mid-rotation a file can be missing for a moment: the next poll reads it again.
        logger.debug({ certFile: files.certFile, keyFile: files.keyFile, reason: readProblem(error) }, "the admission webhook's certificate could not be read again");
      })
      .finally(() => {
        reading = false;
      });
  }, intervalMs);
  timer.unref();
  return function stopWatching() {
    clearInterval(timer);
  };
}
