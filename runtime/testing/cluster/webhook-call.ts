/**
 * @module cluster/webhook-call
 * One call of an admission webhook, as the API server's webhook client makes it: an HTTPS POST
 * of the AdmissionReview (JSON) to `clientConfig.url`, or to the Service
 * `https://<name>.<namespace>.svc:<port><path>`, with `?timeout=<N>s` as client-go adds it,
 * trusting the configuration's `caBundle` alone (the process's roots when it has none) and
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

/**
 * POSTs `review` to the webhook; resolves to the AdmissionReview answered, or rejects with a
 * `WebhookCallError` whose message is client-go's (`Post "<url>": <reason>` for a request that
 * failed, the answer's error for one that came: webhook-answer).
 */
export function callWebhook(registry: Registry, clientConfig: Obj, timeoutSeconds: number, review: Obj): Promise<Obj> {
  const t = target(registry, clientConfig, timeoutSeconds);
  const post = `Post "${t.url}"`;
  if ("error" in t.dial) return Promise.reject(new WebhookCallError(`${post}: ${t.dial.error}`));
  const { host, port } = t.dial;
  const ca = typeof clientConfig.caBundle === "string" && clientConfig.caBundle ? Buffer.from(clientConfig.caBundle, "base64").toString("utf8") : undefined;
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    let done = false;
    /** A failure of the request itself: net/http's url.Error names the method and URL. */
    const fail = (reason: string) => refuse(`${post}: ${reason}`);
    /** A failure of the answer's decoding (Result.Into): the decoder's words alone. */
    const refuse = (message: string) => {
      if (done) return;
      done = true;
      reject(new WebhookCallError(message));
    };
    const req = request(
      {
        host,
        port,
        method: "POST",
        path: t.path,
        headers: { "content-type": "application/json", accept: "application/json, */*", "content-length": Buffer.byteLength(body) },
        ...(ca ? { ca } : {}),
        servername: /^[\d.]+$|:/.test(t.serverName) ? undefined : t.serverName,
        checkServerIdentity: (_host, cert) => hostnameError(t.serverName.replace(/^\[|\]$/g, ""), cert),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (done) return;
          try {
            const answer = reviewOfAnswer(res.statusCode ?? 0, res.headers["content-type"], Buffer.concat(chunks), String(review.apiVersion));
            done = true;
            resolve(answer);
          } catch (error) {
            if (error instanceof WebhookAnswerError) return refuse(error.message);
            done = true;
            reject(error);
          }
        });
        res.on("error", (e) => fail(goReason(e, host, port)));
      },
    );
    const timer = setTimeout(() => {
      fail("context deadline exceeded");
      req.destroy();
    }, timeoutSeconds * 1000);
    req.on("error", (e: NodeJS.ErrnoException) => fail(goReason(e, host, port)));
    req.on("close", () => clearTimeout(timer));
    req.end(body);
  });
}
