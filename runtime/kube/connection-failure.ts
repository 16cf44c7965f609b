/**
 * @module kube/connection-failure
 * What a request that got no answer from the API server failed on, in words and as a typed
 * error: the server's certificate (`KubeTlsError`, never retried), a proxy refusing the tunnel
 * (`KubeConnectionError`, retried on a CONNECT 5xx or a SOCKS5 proxy that cannot reach the
 * server), or the connection (`KubeConnectionError`,
 * retried when the request is idempotent or cannot have been sent).
 */
import { KubeConnectionError, KubeTlsError } from "./errors.js";
import { Socks5Error } from "./socks5.js";

/** Errors a TLS handshake raises when the server's certificate is not trusted or does not fit. */
const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Whether a request failed because the server's certificate is not trusted by the CA in use (a rotated CA, say). */
export function isUntrustedCertificate(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && code !== "ERR_TLS_CERT_ALTNAME_INVALID" && TLS_CODES.has(code);
}

/** Connection errors raised before a byte of the request left: safe to retry any request. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** The first `code` along an error's cause chain (undici wraps the socket's). */
export function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === "string") return e.code;
  }
  return undefined;
}

/**
 * The error for a request to `where` (`GET https://host/path`) that failed with `error` before an
 * answer, and whether to retry it. Throws the `KubeTlsError` of a certificate failure.
 * `proxyFrom` names the proxy in use (`proxy-url`, `HTTPS_PROXY`), if any.
 */
export function connectionFailure(error: unknown, where: string, proxyFrom: string | undefined, idempotent: boolean): { error: KubeConnectionError; retryable: boolean } {
  const code = errorCode(error);
  if (code && TLS_CODES.has(code)) {
    const what = code === "ERR_TLS_CERT_ALTNAME_INVALID" ? "does not name this host" : "is not trusted by the configured CA";
    throw new KubeTlsError(`${where}: the server's certificate ${what} (${code})`, { cause: error });
  }
  // A SOCKS5 proxy refused or failed the tunnel: nothing reached the API server; tried again
  // only when the proxy could not reach it or did not answer in time.
  if (error instanceof Socks5Error) {
    return { error: new KubeConnectionError(`${where}: no tunnel through the ${proxyFrom ?? "proxy-url"} proxy: ${error.message}`, { cause: error }), retryable: error.transient };
  }
  // The proxy answered the CONNECT with an error: nothing reached the API server.
  const refused = proxyFrom === undefined ? null : /Proxy response \((\d{3})\)/.exec(String((error as Error).message));
  if (refused) {
    const status = Number(refused[1]);
    const message = `${where}: the ${proxyFrom} proxy refused the tunnel to the API server (HTTP ${status}${status === 407 ? ": proxy authentication required" : ""})`;
    return { error: new KubeConnectionError(message, { cause: error }), retryable: status >= 500 };
  }
  const message = `${where}: connection failed (${code ?? (error as Error).message})`;
  return { error: new KubeConnectionError(message, { cause: error }), retryable: idempotent || NOT_SENT_CODES.has(code ?? "") };
}
