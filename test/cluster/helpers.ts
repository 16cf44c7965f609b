/**
 * @module test/cluster/helpers
 * Shared by the emulated-cluster tests: a started cluster with an HTTPS client (undici, the
 * cluster's CA) that sends requests as the admin, a ServiceAccount or anonymously, and reads
 * the recorded answers of the real API server.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Agent, request } from "undici";
import { startCluster, type Cluster, type ClusterOptions } from "../../runtime/testing/index.js";

const execFileAsync = promisify(execFile);

/** An answer: status, headers, text and (when JSON) the parsed body. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

/** Options of one request. */
export interface Send {
  /** Bearer token; `null` for none (anonymous). Default: the admin token. */
  token?: string | null;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  contentType?: string;
  accept?: string;
}

/** A cluster and a client for it. */
export interface TestCluster {
  cluster: Cluster;
  send(method: string, path: string, options?: Send): Promise<Answer>;
  /** Stops the cluster and closes the client. */
  close(): Promise<void>;
}

/** Starts a cluster with an HTTPS client trusting its CA. */
export async function testCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const cluster = await startCluster(options);
  const agent = new Agent({ connect: { ca: cluster.caPem } });
  return {
    cluster,
    async send(method, path, opts = {}) {
      const headers: Record<string, string> = { accept: opts.accept ?? "application/json" };
      const token = opts.token === undefined ? cluster.adminToken : opts.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | Buffer | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === "string" || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
        headers["content-type"] = opts.contentType ?? "application/json";
      }
      const res = await request(`${cluster.url}${path}`, { method: method as "GET", headers, body, dispatcher: agent });
      const text = await res.body.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, headers: res.headers, text, body: parsed };
    },
    async close() {
      await cluster.stop();
      await agent.close();
    },
  };
}

/** One recorded request and the real server's answer. */
export interface Fixture {
  note: string;
  request: { method: string; path: string; identity: string; contentType?: string; accept?: string; body?: unknown };
  response: { status: number; contentType: string; body: any };
}

/** Reads `test/fixtures/kube-apiserver-1.32/NAME.json`. */
export function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/kube-apiserver-1.32/${name}.json`, import.meta.url), "utf8")) as Fixture;
}

/** Polls `check` until it returns a value other than undefined (bounded by `timeoutMs`). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A minimal Pod. */
export function pod(name: string, labels: Record<string, string> = {}, image = "busybox"): Record<string, unknown> {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { containers: [{ name: "main", image }] } };
}

/** A watch stream being read. */
export interface Stream {
  status: number;
  contentType: string;
  /** Resolves with the next `n` events. */
  next(n: number): Promise<any[]>;
  /** Resolves with every remaining event once the server ends the stream. */
  rest(): Promise<any[]>;
  close(): void;
}

/** Opens a watch (`path` with `?watch=1`) as the admin, through `agent` (with `accept` if given). */
export async function watch(t: TestCluster, agent: Agent, path: string, accept?: string): Promise<Stream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${t.cluster.adminToken}` };
  if (accept) headers.accept = accept;
  const res = await request(`${t.cluster.url}${path}`, { headers, dispatcher: agent, signal: controller.signal });
  const iterator = res.body[Symbol.asyncIterator]();
  let buffer = "";
  const events: any[] = [];
  let done = false;
  async function pull(): Promise<boolean> {
    const chunk = await iterator.next();
    if (chunk.done) {
      done = true;
      return false;
    }
    buffer += Buffer.from(chunk.value).toString("utf8");
    let i: number;
    while ((i = buffer.indexOf("\n")) >= 0) {
      events.push(JSON.parse(buffer.slice(0, i)));
      buffer = buffer.slice(i + 1);
    }
    return true;
  }
  return {
    status: res.statusCode,
    contentType: String(res.headers["content-type"]),
    async next(n) {
      while (events.length < n && !done) await pull();
      return events.splice(0, n);
    },
    async rest() {
      while (await pull());
      return events.splice(0);
    },
    close: () => controller.abort(),
  };
}

/** A cluster with namespaces already created (by the admin), for tests that work in them. */
export async function clusterWithNamespaces(...names: string[]): Promise<TestCluster> {
  const t = await testCluster();
  for (const name of names) await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
  return t;
}

/**
 * The create-deployment-defaults fixture's Deployment in `namespace`, created under `name` by
 * the field manager `creator` (201 asserted), and a read of a Deployment's managedFields.
 */
export function deploymentsOf(t: TestCluster, namespace: string) {
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments`;
  return {
    path,
    create: async (name: string): Promise<void> => {
      const deploy = fixture("create-deployment-defaults").request.body as Record<string, any>;
      const res = await t.send("POST", `${path}?fieldManager=creator`, { body: { ...deploy, metadata: { name } } });
      assert.equal(res.status, 201, res.text);
    },
    entries: async (name: string): Promise<Record<string, any>[]> => (await t.send("GET", `${path}/${name}`)).body.metadata.managedFields,
  };
}

/** A v1 CRD of `plural.group` with one served storage version. */
export function crd(plural: string, kind: string, extra: { group?: string; scope?: string; shortNames?: string[]; version?: Record<string, unknown> } = {}): Record<string, any> {
  const group = extra.group ?? "example.com";
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: extra.scope ?? "Namespaced",
      names: { plural, kind, ...(extra.shortNames ? { shortNames: extra.shortNames } : {}) },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } }, ...extra.version }],
    },
  };
}

/** A cluster with an admin kubeconfig for kubectl in a temporary folder (removed by `close`), beside the files given. */
export interface KubectlCluster extends TestCluster {
  dir: string;
  kubeconfig: string;
  /** Runs kubectl with the cluster's kubeconfig; resolves to its stdout (rejects when it fails). */
  kubectl(...args: string[]): Promise<string>;
}

/** Starts a cluster for kubectl, writing `files` (name → text) into its folder. */
export async function kubectlCluster(files: Record<string, string> = {}): Promise<KubectlCluster> {
  const t = await testCluster();
  const dir = await mkdtemp(join(tmpdir(), "podfn-kubectl-"));
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, t.cluster.kubeconfig());
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return {
    ...t,
    dir,
    kubeconfig,
    kubectl: async (...args) => (await execFileAsync("kubectl", ["--kubeconfig", kubeconfig, ...args])).stdout,
    async close() {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
