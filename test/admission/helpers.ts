/** Helpers of the admission tests: a loaded admission function, reviews, a served webhook port. */
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { defineFunction, type LoadedFunction } from "../../runtime/function.js";
import type { AdmissionFunctionDefinition } from "../../runtime/admission/types.js";
import type { AdmissionRequest } from "../../runtime/admission/review.js";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { serveAdmission } from "../../runtime/admission/server.js";
import { AdmissionMetrics } from "../../runtime/admission/metrics.js";
import { createCertificates, type ClusterCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import type { KubeClient } from "../../runtime/kube/api.js";

/** `definition` loaded as the loader loads it. */
export function loadedAdmission(definition: AdmissionFunctionDefinition): LoadedFunction {
  const result = resolveDefinition(defineFunction(definition as never) as never, "inline.ts");
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.fn;
}

/** An AdmissionReview of a CREATE of `object` (a Deployment in `apps` unless given). */
export function reviewOf(object: Record<string, unknown> | null, request: Partial<AdmissionRequest> = {}): Record<string, unknown> {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
      kind: { group: "apps", version: "v1", kind: "Deployment" },
      resource: { group: "apps", version: "v1", resource: "deployments" },
      name: "web",
      namespace: "apps",
      operation: "CREATE",
      userInfo: { username: "admin", groups: ["system:masters"] },
      object,
      oldObject: null,
      dryRun: false,
      ...request,
    },
  };
}

/** A POST to the webhook port, on a new connection, trusting `ca`. */
export function post(url: string, path: string, body: string | Buffer, ca: string, headers: Record<string, string> = { "content-type": "application/json" }, method = "POST"): Promise<{ status: number; headers: Record<string, unknown>; body: any; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        const peer = (res.socket as import("node:tls").TLSSocket).getPeerCertificate?.();
        resolve({ status: res.statusCode!, headers: res.headers, body: parsed, fingerprint: peer?.fingerprint256 ?? "" });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A webhook server on a free port, its certificate in files that can be replaced; `dnsNames`:
 * names the certificate is valid for besides localhost (a Service's `<name>.<namespace>.svc`).
 */
export async function startWebhooks(functions: LoadedFunction[], logger: Logger, kube: KubeClient, dnsNames: readonly string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), "podfn-admission-"));
  const certFile = join(dir, "tls.crt");
  const keyFile = join(dir, "tls.key");
  const write = async (certs: ClusterCertificates) => {
    // As the kubelet updates a Secret volume: the new file replaces the old one whole.
    await writeFile(`${certFile}.new`, certs.certPem);
    await writeFile(`${keyFile}.new`, certs.keyPem);
    await rename(`${certFile}.new`, certFile);
    await rename(`${keyFile}.new`, keyFile);
  };
  const certs = await createCertificates({ dnsNames });
  await write(certs);
  const metrics = new AdmissionMetrics(functions.map((f) => f.name));
  const controller = new AbortController();
  let url = "";
  let served!: Promise<void>;
  const listening = new Promise<void>((resolve) => {
    served = serveAdmission({ functions, kube, logger, port: 0, host: "127.0.0.1", certificate: { certFile, keyFile }, certificatePollMs: 20, metrics, onListening: (u) => ((url = u), resolve()) }, controller.signal);
  });
  await Promise.race([listening, served]);
  return {
    url,
    ca: certs.caPem,
    certFile,
    keyFile,
    metrics,
    rotate: async () => {
      const next = await createCertificates();
      await write(next);
      return next;
    },
    stop: async () => {
      controller.abort();
      await served;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
