/**
 * @module admission/serving
 * Whether `podfn serve` runs the admission webhook server, and with what: when some function
 * has `admission`, on `--admission-port` with the certificate `--admission-cert-file` and
 * `--admission-key-file` name. In a pod, or when those are given, a certificate that cannot be
 * read stops serve before it listens (`AdmissionCertificateError`, naming the files); outside a pod with the
 * defaults, where no API server can call this process, their absence is one warning and the
 * webhooks go unserved (test them with the harness's `review()` or `registerWebhook()`, which
 * serves them to the emulated cluster itself). The server module is imported only when there is something to serve.
 */
import { existsSync } from "node:fs";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { DEFAULTS } from "../config-accept.js";
import type { LoadedFunction } from "../function.js";
import type { AdmissionServerOptions } from "./server.js";
import { readCertificate } from "./certificate.js";

/** What serve starts: the admission functions, and how to serve them. */
export interface AdmissionServing {
  functions: LoadedFunction[];
  serve(options: Omit<AdmissionServerOptions, "port" | "host" | "certificate">, signal: AbortSignal): Promise<void>;
}

/**
 * The webhook server `functions` need under `config`, or undefined (none has `admission`, or
 * outside a pod the default certificate is absent: logged).
 */
export function admissionServing(functions: readonly LoadedFunction[], config: Config, logger: Logger): AdmissionServing | undefined {
  const webhooks = functions.filter((fn) => fn.admission);
  if (webhooks.length === 0) return undefined;
  const certificate = { certFile: config.admissionCertFile, keyFile: config.admissionKeyFile };
  const defaults = certificate.certFile === DEFAULTS.admissionCertFile && certificate.keyFile === DEFAULTS.admissionKeyFile;
  if (!config.inCluster && defaults && !(existsSync(certificate.certFile) && existsSync(certificate.keyFile))) {
    logger.warn(
      { webhooks: webhooks.map((fn) => fn.name), certFile: certificate.certFile },
      `admission webhooks not served: no certificate at ${certificate.certFile} (outside a pod no API server calls them; give --admission-cert-file and --admission-key-file to serve them here)`,
    );
    return undefined;
  }
  // Checked before anything listens: serve refuses to start rather than serve half its functions.
  readCertificate(certificate);
  return {
    functions: webhooks,
    async serve(options, signal) {
      const { serveAdmission } = await import("./server.js");
      return serveAdmission({ ...options, functions: webhooks, port: config.admissionPort, host: config.host, certificate }, signal);
    },
  };
}
