/**
 * @module test/kube/helpers/fake-apiserver
 * A tiny HTTPS API server for the client's tests: each test answers requests with its own
 * handler and reads back what the client sent. The TLS certificate comes from the emulated
 * cluster's PKI (`createCertificates`), made once per process.
 */
import { createServer } from "node:https";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { createCertificates } from "../../../runtime/testing/cluster/auth/certs.js";
import type { ClusterCertificates } from "../../../runtime/testing/cluster/auth/certs.js";
import { staticAuth } from "../../../runtime/kube/auth.js";
import type { AuthProvider, Credentials } from "../../../runtime/kube/auth.js";

export interface RecordedRequest {
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface FakeApiServer {
  url: string;
  caPem: string;
  requests: RecordedRequest[];
  /** Credentials for this server: the given auth, or a fixed token. */
  credentials(auth?: AuthProvider | string, namespace?: string): Credentials;
  close(): Promise<void>;
}

let certificates: Promise<ClusterCertificates> | undefined;

/** The process's test PKI (a CA and a serving certificate for 127.0.0.1). */
export function testCertificates(): Promise<ClusterCertificates> {
  certificates ??= createCertificates();
  return certificates;
}

/** Answer with JSON. */
export function sendJson(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(statusCode, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** A Status body as the API server writes it. */
export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code };
}

/** A recorded real answer from test/fixtures/kube-apiserver-1.32. */
export function fixture(name: string): { request: { method: string; path: string }; response: { status: number; body: unknown } } {
  const url = new URL(`../../fixtures/kube-apiserver-1.32/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as ReturnType<typeof fixture>;
}

/**
 * Start the server on 127.0.0.1 with a random port.
 *
 * @example
 * const server = await startFakeApiServer((req, res) => sendJson(res, 200, { kind: "PodList", metadata: {}, items: [] }));
 */
export async function startFakeApiServer(handler: Handler, certs?: ClusterCertificates): Promise<FakeApiServer> {
  const pki = certs ?? (await testCertificates());
  const requests: RecordedRequest[] = [];
  const server = createServer({ cert: pki.certPem, key: pki.keyPem }, function serve(req, res) {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", function ended() {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      const recorded: RecordedRequest = { method: req.method ?? "", target: req.url ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res)).catch(function failed(error: Error) {
        if (!res.headersSent) sendJson(res, 500, statusBody(500, "InternalError", `test handler failed: ${error.message}`));
        else res.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    caPem: pki.caPem,
    requests,
    credentials(auth = "test-token", namespace = "golden") {
      const provider = typeof auth === "string" ? staticAuth({ token: auth }, "test token") : auth;
      return { server: url, namespace, caPem: pki.caPem, auth: provider, source: "test" };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A retry sleep that records the delays it was asked for and returns at once. */
export function recordingSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    async sleep(ms: number) {
      sleeps.push(ms);
    },
  };
}
