/**
 * @module admission/local-registration
 * The admission webhooks of `serve` and `dev` on the embedded emulated cluster, which is an API
 * server too: the connection to it offers a `LocalWebhookRegistry` (`ClusterConnection.webhooks`),
 * through which the webhooks this process serves are registered with it as the generated
 * manifests would register them, but calling the local listener by `clientConfig.url` and trusting
 * its certificate by `caBundle` (testing/local-webhooks). This module is serve's side: the
 * address the cluster calls (a loopback address where the server listens on every one), the
 * check that the certificate covers it, and one log line per webhook registered.
 */
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import type { Logger } from "pino";
import type { LoadedFunction } from "../function.js";
import type { CertificateFiles } from "./certificate.js";
import type { AdmissionServing } from "./serving.js";

/** A serving certificate the embedded cluster trusts, for the loopback addresses, as files. */
export interface LocalWebhookCertificate extends CertificateFiles {
  /** The CA that signed it (PEM): the webhooks' `caBundle`. */
  caPem: string;
}

/** A webhook configuration registered, and its webhooks: their names (what the API server's refusals quote) and the URLs called. */
export interface RegisteredConfiguration {
  kind: "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration";
  name: string;
  webhooks: { name: string; url: string }[];
}

/** Where the cluster calls the webhooks: the listener's base URL and the CA it trusts. */
export interface LocalWebhookTarget {
  /** `https://127.0.0.1:9443`: each webhook is called at `<url>/admission/<name>`. */
  url: string;
  caPem: string;
}

/** The embedded emulated cluster's side (see the module). */
export interface LocalWebhookRegistry {
  /**
   * A certificate for the local webhook server called at `host` (an address or a name,
   * `callableHost`'s), valid for the loopback addresses and `host`; made once per host.
   */
  certificate(host: string): Promise<LocalWebhookCertificate>;
  /**
   * Has the cluster call `functions`' webhooks at `target` (creating or replacing their
   * configurations) and removes the configurations registered before that these functions no
   * longer make (a function deleted, or no admission function left: `[]`).
   */
  register(functions: readonly LoadedFunction[], target?: LocalWebhookTarget): Promise<RegisteredConfiguration[]>;
}

/** The host the cluster calls for a server listening on `host` (`--host`): 127.0.0.1 for every address (`::`, `0.0.0.0`), else `host` itself. */
export function callableHost(host: string): string {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "::" || bare === "0.0.0.0" ? "127.0.0.1" : bare;
}

/**
 * The address the cluster (in this process, on 127.0.0.1) calls for a server listening at
 * `listening`: a loopback one where it listens on every address.
 */
export function callableUrl(listening: string): string {
  const url = new URL(listening);
  const host = callableHost(url.hostname);
  if (host !== url.hostname.replace(/^\[|\]$/g, "")) url.hostname = host;
  return url.origin;
}

/** Why the certificate in `certPem` cannot be verified for `url`'s host, or undefined when it can. */
export function uncoveredHost(certPem: string | Buffer, url: string): string | undefined {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return "it is not a PEM certificate";
  }
  const covered = isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host, { subject: "never" }) !== undefined;
  return covered ? undefined : `it is not valid for ${host} (its names: ${cert.subjectAltName ?? "none"}); add that address to its subjectAltName, or leave out --admission-cert-file and --admission-key-file for one podfn makes`;
}

/**
 * Registers the webhooks served at `listening` with the embedded cluster, and logs one line per
 * webhook; with a certificate of the user's that does not cover the address, registers none
 * (their calls would fail its TLS check and, under `Fail`, refuse every write they match) and
 * says why. `certFile`: the served certificate, `caPem`: what the cluster trusts.
 */
export async function registerLocalWebhooks(registry: LocalWebhookRegistry, functions: readonly LoadedFunction[], served: { listening: string; certFile: string; caPem: string | undefined }, logger: Logger): Promise<void> {
  const url = callableUrl(served.listening);
  const certPem = readFileSync(served.certFile);
  const problem = uncoveredHost(certPem, url);
  if (problem) {
    await registry.register([]);
    logger.warn({ webhooks: functions.map((f) => f.name), certFile: served.certFile }, `admission webhooks not registered with the embedded emulated cluster: the certificate ${served.certFile} cannot be verified at ${url}: ${problem}`);
    return;
  }
  const registered = await registry.register(functions, { url, caPem: served.caPem ?? certPem.toString("utf8") });
  for (const configuration of registered) {
    for (const webhook of configuration.webhooks) {
      logger.info(
        { webhook: webhook.name, [configuration.kind]: configuration.name, url: webhook.url },
        `admission webhook ${webhook.name} registered with the embedded emulated cluster (${configuration.kind} ${configuration.name}): writes it matches are reviewed here`,
      );
    }
  }
}

/**
 * One round of serving's registration: `admission`'s webhooks once its server is `listening`,
 * or, with none served (no admission function left after a `dev` reload), the removal of those
 * registered before. A failure is logged, not thrown: the server goes on, as a deployment does
 * when `kubectl apply` refuses its webhook configuration. `settled()` resolves once it is done.
 */
export function localRegistration(registry: LocalWebhookRegistry, admission: Pick<AdmissionServing, "functions" | "certificate" | "caPem"> | undefined, logger: Logger): { listening(url: string): void; settled(): Promise<void> } {
  const failed = (error: unknown) => {
    logger.error({ err: error }, `cannot register the admission webhooks with the embedded emulated cluster: ${error instanceof Error ? error.message : String(error)}`);
  };
  let registering: Promise<void> = admission ? Promise.resolve() : registry.register([]).then(() => undefined, failed);
  return {
    listening(url) {
      if (admission) registering = registerLocalWebhooks(registry, admission.functions, { listening: url, certFile: admission.certificate.certFile, caPem: admission.caPem }, logger).catch(failed);
    },
    settled: () => registering,
  };
}
