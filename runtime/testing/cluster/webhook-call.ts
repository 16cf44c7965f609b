/**
 * @module cluster/webhook-call
 * One call of an admission webhook, as the API server's webhook client makes it: an HTTPS POST
 * of the AdmissionReview (JSON) to `clientConfig.url`, or to the Service
 * `https://<name>.<namespace>.svc:<port><path>`, with `?timeout=<N>s` as client-go adds it,
 * trusting the configuration's `caBundle` alone (the process's roots when it has none; any of its
 * certificates is an anchor, the server's own too, as in Go's root pool) and
 * verifying the server's certificate for the URL's host, or `<name>.<namespace>.svc` for a
 * Service, as Go does (webhook-tls: SANs only, HostnameError's words); `timeoutSeconds` is the deadline.
 *
 * The emulator runs no pods, so a Service reaches nothing unless a test says where its port
 * is served: `cluster.serviceAddress(namespace, name, port, "127.0.0.1:PORT")` (the Service's
 * `port`, as the configuration names it; its targetPort mapping is the test's to make). Without
 * one the call fails as a real server's does for a Service without endpoints (`no endpoints
 * available for service "<name>"`), or for a missing Service (`service "<name>" not found`).
 * The failure texts are Go's where the cause is the same (`dial tcp ...: connect: connection
 * refused`, `context deadline exceeded`, `x509: certificate signed by unknown authority`).
 * The answer is read as the webhook client reads it (webhook-answer: its status, its body, a
 * v1beta1 review that does not convert), those errors without the `Post "<url>": ` of a failed
 * request; the checks of what the review says are webhook-verify's.
 */
import { request } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import type { Registry } from "./registry.js";
import { reviewOfAnswer, WebhookAnswerError } from "./webhook-answer.js";
import { hostnameError } from "./webhook-tls.js";

type Obj = Record<string, any>;

/** A call that got no AdmissionReview back: the reason, as the webhook client words it. */
export class WebhookCallError extends Error {
  readonly code = "webhook_call_failed";
}

const addresses = new WeakMap<Registry, Map<string, string>>();

/** Says where the Service `namespace/name`'s `port` is served (`host:port`); `undefined` removes it. */
export function setServiceAddress(registry: Registry, namespace: string, name: string, port: number, address: string | undefined): void {
  let map = addresses.get(registry);
  if (!map) addresses.set(registry, (map = new Map()));
  const key = `${namespace}/${name}:${port}`;
  if (address === undefined) map.delete(key);
  else map.set(key, address);
}

/** Where the call goes: the URL the error messages name, the address to dial and the name to verify. */
interface Target {
  url: string;
  /** The path and query sent. */
  path: string;
  dial: { host: string; port: number } | { error: string };
  serverName: string;
}

function target(registry: Registry, clientConfig: Obj, timeoutSeconds: number): Target {
  if (typeof clientConfig.url === "string") {
    const url = new URL(clientConfig.url);
    return { url: `${clientConfig.url}?timeout=${timeoutSeconds}s`, path: `${url.pathname}?timeout=${timeoutSeconds}s`, dial: { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 443) }, serverName: url.hostname };
  }
  const s = clientConfig.service as { namespace: string; name: string; path?: string; port?: number };
  const port = s.port ?? 443;
  const serverName = `${s.name}.${s.namespace}.svc`;
  // As the webhook client builds it (net.JoinHostPort): the port is always written.
  const query = `?timeout=${timeoutSeconds}s`;
  const url = `https://${serverName}:${port}${s.path ?? ""}${query}`;
  // Go's client sends an empty path as "/" (the URL its errors name keeps it empty).
  const path = `${s.path || "/"}${query}`;
  const address = addresses.get(registry)?.get(`${s.namespace}/${s.name}:${port}`);
  if (!registry.store.get(registry.core("services"), s.namespace, s.name) && !address) return { url, path, dial: { error: `service "${s.name}" not found` }, serverName };
  if (!address) return { url, path, dial: { error: `no endpoints available for service "${s.name}"` }, serverName };
  const at = address.lastIndexOf(":");
  return { url, path, dial: { host: address.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(address.slice(at + 1)) }, serverName };
}

/** Go's words for a Node connection or TLS error. */
function goReason(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return `dial tcp ${host}:${port}: connect: connection refused`;
    case "ECONNRESET":
      return "EOF";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
    case "x509_hostname_mismatch":
      return `tls: failed to verify certificate: ${error.message}`;
    default:
      return error.message;
  }
}

/** An HTTP answer as it came. */
interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  body: Buffer;
}

/** rest.Request's retries of an answer asking to wait (withRetry's maxRetries). */
const MAX_RETRIES = 10;

/** checkWait: the seconds a 429 or 5xx answer's Retry-After (strconv.Atoi's integer) asks to wait, if any. */
function retryAfterSeconds(a: HttpAnswer): number | undefined {
  if (a.status !== 429 && a.status < 500) return undefined;
  return a.retryAfter !== undefined && /^[+-]?[0-9]{1,15}$/.test(a.retryAfter) ? Number(a.retryAfter) : undefined;
}

/** One POST of `body` to `t`; rejects with the request's failure as net/http's url.Error words it. */
function postOnce(t: Target & { dial: { host: string; port: number } }, ca: string | undefined, body: string, deadline: AbortSignal): Promise<HttpAnswer> {
  const { host, port } = t.dial;
  return new Promise((resolve, reject) => {
    let done = false;
    const fail = (reason: string) => {
      if (done) return;
      done = true;
      reject(new WebhookCallError(`Post "${t.url}": ${reason}`));
    };
    const req = request(
      {
        host,
        port,
        method: "POST",
        path: t.path,
        headers: { "content-type": "application/json", accept: "application/json, */*", "content-length": Buffer.byteLength(body) },
        // A certificate of the bundle is an anchor even when not self-signed (the server's own, an
        // intermediate), as Go's crypto/x509 takes any certificate of its root pool
        // (`if opts.Roots.contains(c)`); OpenSSL's default wants the chain to reach a self-signed one.
        ...(ca ? { ca, allowPartialTrustChain: true } : {}),
        servername: /^[\d.]+$|:/.test(t.serverName) ? undefined : t.serverName,
        checkServerIdentity: (_host, cert) => hostnameError(t.serverName.replace(/^\[|\]$/g, ""), cert),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (done) return;
          done = true;
          const retryAfter = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: Buffer.concat(chunks) });
        });
        res.on("error", (e) => fail(goReason(e, host, port)));
      },
    );
    const expire = () => {
      fail("context deadline exceeded");
      req.destroy();
    };
    if (deadline.aborted) return expire();
    deadline.addEventListener("abort", expire, { once: true });
    req.on("error", (e: NodeJS.ErrnoException) => fail(goReason(e, host, port)));
    req.on("close", () => deadline.removeEventListener("abort", expire));
    req.end(body);
  });
}

/**
 * POSTs `review` to the webhook; resolves to the AdmissionReview answered, or rejects with a
 * `WebhookCallError` whose message is client-go's (`Post "<url>": <reason>` for a request that
 * failed, the answer's error for one that came: webhook-answer). A 429 or 5xx answer with an
 * integer Retry-After is posted again after that many seconds, up to 10 times, as rest.Request
 * retries it (checkWait); the deadline (`timeoutSeconds`) covers every attempt and wait.
 */
export async function callWebhook(registry: Registry, clientConfig: Obj, timeoutSeconds: number, review: Obj): Promise<Obj> {
  const t = target(registry, clientConfig, timeoutSeconds);
  if ("error" in t.dial) throw new WebhookCallError(`Post "${t.url}": ${t.dial.error}`);
  const dialled = t as Target & { dial: { host: string; port: number } };
  const ca = typeof clientConfig.caBundle === "string" && clientConfig.caBundle ? Buffer.from(clientConfig.caBundle, "base64").toString("utf8") : undefined;
  const body = JSON.stringify(review);
  const deadline = AbortSignal.timeout(timeoutSeconds * 1000);
  let answer = await postOnce(dialled, ca, body, deadline);
  for (let retries = 0; retries < MAX_RETRIES; retries++) {
    const seconds = retryAfterSeconds(answer);
    if (seconds === undefined) break;
    try {
      await sleep(Math.max(0, seconds) * 1000, undefined, { signal: deadline });
    } catch {
      throw new WebhookCallError(`Post "${t.url}": context deadline exceeded`);
    }
    answer = await postOnce(dialled, ca, body, deadline);
  }
  try {
    return reviewOfAnswer(answer.status, answer.contentType, answer.body, String(review.apiVersion));
  } catch (error) {
    // A failure of the answer's decoding (Result.Into): the decoder's words alone.
    if (error instanceof WebhookAnswerError) throw new WebhookCallError(error.message);
    throw error;
  }
}
