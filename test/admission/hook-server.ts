/**
 * A webhook server for the emulated cluster's admission tests: HTTPS in this process, with a
 * certificate for `hook.hooks.svc` signed by its own CA, reached by the cluster as the Service
 * `hooks/<name>` (port 443) of each name given. `handle` answers each review (and the URL it was sent to, query included): an AdmissionReview
 * `response` (sent as a v1 review, 200), or a whole HTTP answer (`{ raw: { status, headers, body } }`).
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
  /** The local port the cluster reaches it at. */
  port: number;
  close(): void;
}

/** Starts the server, and the namespace `hooks` with a Service for each of `services` routed to it. */
export async function startHookServer(h: Harness, handle: (review: Obj, url: string) => HookAnswer, services: string[] = ["hook"]): Promise<HookServer> {
  const certs = await createCertificates({ dnsNames: ["hook.hooks.svc"] });
  const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Obj;
      const answer = handle(review, req.url ?? "");
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
  return { ca: certs.caPem, port, close: () => server.close() };
}
