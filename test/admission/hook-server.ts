/**
 * A webhook server for the emulated cluster's admission tests: HTTPS in this process, with a
 * certificate for `hook.hooks.svc` signed by its own CA, reached by the cluster as the Service
 * `hooks/<name>` (port 443) of each name given. `handle` answers each review (and the URL it was sent to, query included): an AdmissionReview
 * `response` (sent as a v1 review, 200), or a whole HTTP answer (`{ raw: { status, headers, body } }`),
 * at once or as a promise; `answered(path)` resolves once an answer to `path` has been written whole and its
 * connection closed.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Harness } from "../../runtime/testing/index.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";

type Obj = Record<string, any>;

/** What `handle` gives back: the review's `response`, or the HTTP answer as written. */
export type HookAnswer = Obj | { raw: { status?: number; headers?: Record<string, string>; body: string } };

export interface HookServer {
  /** The CA that signed the server's certificate (a webhook's `caBundle`, base64'd). */
  ca: string;
  /** The server's own certificate (PEM), signed by `ca`. */
  certPem: string;
  /** The local port the cluster reaches it at. */
  port: number;
  /** Resolves once an answer to a review posted to `path` (no query) has been written whole and its connection closed. */
  answered(path: string): Promise<void>;
  close(): void;
}

/** Starts the server, and the namespace `hooks` with a Service for each of `services` routed to it. */
export async function startHookServer(h: Harness, handle: (review: Obj, url: string) => HookAnswer | Promise<HookAnswer>, services: string[] = ["hook"]): Promise<HookServer> {
  const certs = await createCertificates({ dnsNames: ["hook.hooks.svc"] });
  const finished = new Map<string, { done: Promise<void>; resolve: () => void }>();
  const finishedFor = (path: string) => {
    let entry = finished.get(path);
    if (!entry) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      finished.set(path, (entry = { done, resolve }));
    }
    return entry;
  };
  const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    const path = (req.url ?? "").split("?")[0]!;
    // Written whole: its connection (the cluster's calls close theirs after one answer) is closed.
    req.socket.on("close", () => finishedFor(path).resolve());
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Obj;
      const answer = await handle(review, req.url ?? "");
      if ("raw" in answer) {
        const { status = 200, headers = {}, body } = answer.raw as { status?: number; headers?: Record<string, string>; body: string };
        res.writeHead(status, headers).end(body);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: answer }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await h.admin.namespaces.create({ metadata: { name: "hooks" } });
  for (const name of services) {
    await h.admin.with({ namespace: "hooks" }).services.create({ metadata: { name }, spec: { ports: [{ port: 443 }] } });
    h.cluster.serviceAddress("hooks", name, 443, `127.0.0.1:${port}`);
  }
  return { ca: certs.caPem, certPem: certs.certPem, port, answered: (path) => finishedFor(path).done, close: () => server.close() };
}

/** A validating webhook on the emulated cluster that records every review and refuses while `refusing`. */
export interface SwitchedWebhook {
  /** The `request` of every review it was sent, in order. */
  readonly seen: Obj[];
  /** Whether it refuses (with its message) the requests `refuses` picks; true at first. */
  refusing: boolean;
  close(): void;
}

export interface SwitchedWebhookOptions {
  /** The configuration's name; its webhook is `<name>.example.com`, refusing with `message`. */
  name: string;
  message: string;
  rules: Obj[];
  namespaceSelector?: Obj;
  objectSelector?: Obj;
  /** Which requests it refuses while `refusing`. Default: every one. */
  refuses?: (request: Obj) => boolean;
}

/**
 * Starts a hook server and registers it as a ValidatingWebhookConfiguration: the webhook the
 * tests of the emulator's own controllers' writes switch between refusing and allowing.
 */
export async function registerSwitchedWebhook(h: Harness, options: SwitchedWebhookOptions): Promise<SwitchedWebhook> {
  const seen: Obj[] = [];
  const refuses = options.refuses ?? (() => true);
  const state = { refusing: true };
  const server = await startHookServer(h, (review) => {
    const r = review.request;
    seen.push(r);
    return state.refusing && refuses(r) ? { uid: r.uid, allowed: false, status: { message: options.message } } : { uid: r.uid, allowed: true };
  });
  const webhook = {
    name: `${options.name}.example.com`,
    clientConfig: { service: { name: "hook", namespace: "hooks", path: "/" }, caBundle: Buffer.from(server.ca).toString("base64") },
    rules: options.rules,
    ...(options.namespaceSelector ? { namespaceSelector: options.namespaceSelector } : {}),
    ...(options.objectSelector ? { objectSelector: options.objectSelector } : {}),
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
  };
  await h.admin.request({ method: "POST", path: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", body: { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: options.name }, webhooks: [webhook] } });
  return {
    seen,
    get refusing() {
      return state.refusing;
    },
    set refusing(value: boolean) {
      state.refusing = value;
    },
    close: () => server.close(),
  };
}
