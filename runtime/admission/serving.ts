/**
 * @module admission/serving
 * Whether `podfn serve` runs the admission webhook server, and with what: when some function
 * has `admission`, on `--admission-port` with the certificate `--admission-cert-file` and
 * `--admission-key-file` name. In a pod, or when those are given, a certificate that cannot be
 * read stops serve before it listens (`AdmissionCertificateError`, naming the files). Outside a
 * pod with the defaults absent: on the embedded emulated cluster, with the certificate it trusts
 * (`local`: the cluster then calls them, admission/local-registration); against another
 * cluster, which cannot call this process, one warning and the webhooks go unserved (test them
 * with the harness's `review()` or `registerWebhook()`). The server module is imported only when
 * there is something to serve.
 */
import { existsSync } from "node:fs";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { DEFAULTS } from "../config-accept.js";
import type { LoadedFunction } from "../function.js";
import type { AdmissionServerOptions } from "./server.js";
import { readCertificate, type CertificateFiles } from "./certificate.js";
import type { LocalWebhookCertificate } from "./local-registration.js";

/** What serve starts: the admission functions, and how to serve them. */
export interface AdmissionServing {
  functions: LoadedFunction[];
  /** The certificate served. */
  certificate: CertificateFiles;
  /** Its CA (PEM) when it is the embedded cluster's (`local`); undefined for the configured files. */
  caPem?: string;
  /** `port`: instead of `--admission-port` (a `dev` reload's, while the replaced server holds it). */
  serve(options: Omit<AdmissionServerOptions, "port" | "host" | "certificate"> & { port?: number }, signal: AbortSignal): Promise<void>;
}

/** Outside a pod, the certificate options left at their defaults, whose files are not there: no certificate configured. */
export function noCertificateConfigured(config: Config): boolean {
  const defaults = config.admissionCertFile === DEFAULTS.admissionCertFile && config.admissionKeyFile === DEFAULTS.admissionKeyFile;
  return !config.inCluster && defaults && !(existsSync(config.admissionCertFile) && existsSync(config.admissionKeyFile));
}

/**
 * The webhook server `functions` need under `config`, or undefined (none has `admission`, or
 * outside a pod no certificate is configured and no `local` one given: logged).
 */
export function admissionServing(functions: readonly LoadedFunction[], config: Config, logger: Logger, local?: LocalWebhookCertificate): AdmissionServing | undefined {
  const webhooks = functions.filter((fn) => fn.admission);
  if (webhooks.length === 0) return undefined;
  let certificate: CertificateFiles = { certFile: config.admissionCertFile, keyFile: config.admissionKeyFile };
  const unconfigured = noCertificateConfigured(config);
  if (unconfigured && local) certificate = { certFile: local.certFile, keyFile: local.keyFile };
  else if (unconfigured) {
    logger.warn(
      { webhooks: webhooks.map((fn) => fn.name), certFile: certificate.certFile },
      `admission webhooks not served: no certificate at ${certificate.certFile} (outside a pod the API server of a cluster other than the embedded emulated one cannot call them; give --admission-cert-file and --admission-key-file to serve them here)`,
    );
    return undefined;
  }
  // Checked before anything listens: serve refuses to start rather than serve half its functions.
  readCertificate(certificate);
  return {
    functions: webhooks,
    certificate,
    ...(unconfigured && local ? { caPem: local.caPem } : {}),
    async serve(options, signal) {
      const { serveAdmission } = await import("./server.js");
      return serveAdmission({ ...options, functions: webhooks, port: options.port ?? config.admissionPort, host: config.host, certificate }, signal);
    },
  };
}
