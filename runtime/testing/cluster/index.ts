/**
 * @module cluster
 * An in-process Kubernetes API server for tests and local runs (as controller-runtime's
 * envtest, with no controllers besides inline ones: garbage collector, namespace finalizer,
 * ClusterRole aggregation, ServiceAccount tokens):
 * HTTPS on 127.0.0.1 with its own CA, ServiceAccount tokens from the TokenRequest API, RBAC,
 * and the real server's status codes, messages, defaults, lists, watches and patches, so the
 * same client code runs against it and against a real cluster.
 *
 * Documented differences from a real cluster: new namespaces get no `default` ServiceAccount
 * or `kube-root-ca.crt` (no controllers, as the reference server); a deleted namespace empties
 * and disappears at once unless objects in it hold finalizers; pods are deleted without grace;
 * see each module's header for the rest (patch, managed-fields, list, delete).
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { createAuthenticator, createAuthorizer, createCertificates, createTokenIssuer, type RbacSource } from "./auth/index.js";
import { EXTENDED_TOKEN_SECONDS, KUBELET_TOKEN_SECONDS } from "./auth/tokens.js";
import type { ServerAuth } from "./call.js";
import { Instruments, type AccessRecord, type FaultRule, type RequestRecord } from "./faults.js";
import { kubeconfigYaml } from "./kubeconfig.js";
import { Registry } from "./registry.js";
import type { CustomTypeSpec } from "./resources.js";
import { createInternal, internalCall, seed } from "./seed.js";
import { startServer } from "./server.js";
import { swapToken, writeServiceAccountDir } from "./serviceaccount-dir.js";
import { tokenRequest } from "./subresources.js";
import { loadCel } from "./crd-cel-library.js";
import { setServiceAddress } from "./webhook-call.js";

export type { AccessRecord, FaultMatch, FaultRule, RequestRecord } from "./faults.js";
// What podfn/testing's own helpers use of the emulator, imported through this entry only: the
// production build keeps the emulator in a script of its own (scripts/build/cluster.js), and an
// import of another of its modules would copy it into the runtime's bundle, which every pod compiles.
export { readYamlDocuments } from "./apply-yaml.js";
export { createCertificates } from "./auth/index.js";
export { mentionsVariable } from "./crd-cel-compile.js";
export { loadCel } from "./crd-cel-library.js";
export { BUILTIN } from "./resources.js";
export { AuthorizerFailure, compileCondition, evaluateConditionsAsync } from "./webhook-conditions.js";

/** Options of `startCluster`. */
export interface ClusterOptions {
  /** TCP port on 127.0.0.1. Default: 0 (a free port). */
  port?: number;
  /** The clock (milliseconds since the epoch) for timestamps and token lifetimes. Default: `Date.now`. */
  now?: () => number;
  /**
   * How many change events each resource type's watch cache keeps (a watch from before them gets
   * 410 Expired), and etcd's history keeps, all types together (a list or continue token at a
   * version before those gets 410). Default: 1000.
   */
  eventWindow?: number;
  /** Milliseconds between BOOKMARK events on watches that allow them (the first that long after the watch starts, and one 2 s before its timeout; each only at a version newer than the start's). Default: 60000, as the real watch cache. */
  bookmarkIntervalMs?: number;
}

/** A custom resource type to serve (it appears in discovery at once). */
export type ResourceTypeSpec = Pick<CustomTypeSpec, "group" | "version" | "resource" | "kind" | "namespaced" | "shortNames" | "singular">;

/** A ServiceAccount's pod-like credentials folder. */
export interface ServiceAccountCredentials {
  /** The current token. */
  token: string;
  /** Folder with `token`, `ca.crt` and `namespace`, laid out as the kubelet does. */
  dir: string;
  /** Mints a new token, swaps it into `dir` atomically and returns it. */
  rotate(): Promise<string>;
}

/** Options of `cluster.serviceAccount`. */
export interface ServiceAccountOptions {
  /**
   * Token lifetime in seconds (at least 600), minted through TokenRequest. Default: the lifetime
   * of the token a kubelet mounts in a pod — 3607 s asked, which the server
   * (`--service-account-extend-token-expiration`, on by default) extends to a year with a
   * `warnafter` claim at 3607 s — in a token bound to no pod (there is none to bind it to).
   */
  expirationSeconds?: number;
  /** Folder to write to. Default: a new folder under the OS temp folder, removed on `stop()`. */
  dir?: string;
}

/** A running emulated cluster. */
export interface Cluster {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  /** The CA certificate (PEM) that signed the serving certificate. */
  caPem: string;
  /** A bearer token of the `system:admin` user (group `system:masters`). */
  adminToken: string;
  /** A kubeconfig (YAML) for the cluster; the admin token unless `token` is given. */
  kubeconfig(options?: { token?: string; namespace?: string }): string;
  /** Creates the namespace and ServiceAccount if missing, mints a token (TokenRequest) and writes a pod-like folder. */
  serviceAccount(namespace: string, name: string, options?: ServiceAccountOptions): Promise<ServiceAccountCredentials>;
  /** Injects a fault; returns the function that removes it. */
  inject(rule: FaultRule): () => void;
  /** Every request served, oldest first (the latest 10 000). */
  readonly requests: readonly RequestRecord[];
  /** The distinct authorization decisions made for `username`. */
  access(username: string): AccessRecord[];
  /** Serves a custom resource type. */
  createResourceType(spec: ResourceTypeSpec): void;
  /**
   * Sets what `GET pods/NAME/log` answers (per container when `container` is given) once the pod
   * is on a stored Node with an address; a pod with no node answers 204, as a real server.
   */
  setPodLog(namespace: string, name: string, text: string, container?: string): void;
  /**
   * Says where a Service's port is served, for the admission webhooks whose `clientConfig.service`
   * names it (the emulator runs no pods: without this, a call to it fails as one to a Service
   * without endpoints does, and `failurePolicy` applies). `port` is the Service port the
   * configuration names (443 by default), `address` `host:port` of the server behind it (the
   * targetPort mapping is the test's); the certificate is still verified for
   * `<name>.<namespace>.svc`. `undefined` removes the mapping.
   *
   * @example
   * cluster.serviceAddress("ops", "podfn-http", 443, `127.0.0.1:${webhookPort}`);
   */
  serviceAddress(namespace: string, name: string, port: number, address: string | undefined): void;
  /** Ends watches and connections, stops listening, removes the folders it wrote. */
  stop(): Promise<void>;
}

/**
 * Starts an emulated Kubernetes API server on 127.0.0.1.
 *
 * @example
 * const cluster = await startCluster();
 * const sa = await cluster.serviceAccount("default", "robot");
 * // GET `${cluster.url}/api/v1/namespaces/default/pods` with `Bearer ${sa.token}` → 403 until RBAC allows it
 * await cluster.stop();
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const now = options.now ?? Date.now;
  const registry = new Registry({ now, eventWindow: options.eventWindow ?? 1000 });
  // The CEL library of CRD rules is imported meanwhile.
  const [certs] = await Promise.all([createCertificates(), loadCel()]);
  const issuer = await createTokenIssuer({ now });
  const adminToken = randomBytes(32).toString("base64url");
  const rbac = (resource: string) => registry.find("rbac.authorization.k8s.io", "v1", resource)!;
  const source: RbacSource = {
    roles: (ns) => registry.store.list(rbac("roles"), ns).map((e) => e.entry.obj),
    roleBindings: (ns) => registry.store.list(rbac("rolebindings"), ns).map((e) => e.entry.obj),
    clusterRoles: () => registry.store.list(rbac("clusterroles")).map((e) => e.entry.obj),
    clusterRoleBindings: () => registry.store.list(rbac("clusterrolebindings")).map((e) => e.entry.obj),
  } as RbacSource;
  const authenticator = createAuthenticator({
    issuer,
    adminToken,
    serviceAccountUid: (ns, name) => registry.store.get(registry.core("serviceaccounts"), ns, name)?.obj.metadata.uid,
    boundObjectUid: (kind, ns, name) => registry.store.get(registry.core({ Pod: "pods", Secret: "secrets", Node: "nodes" }[kind]), ns, name)?.obj.metadata.uid,
    legacySecret: (ns, name) => {
      const secret = registry.store.get(registry.core("secrets"), ns, name)?.obj;
      if (!secret) return undefined;
      const token = typeof secret.data?.token === "string" ? Buffer.from(secret.data.token, "base64").toString("utf8") : undefined;
      return { token, deleting: Boolean(secret.metadata.deletionTimestamp) };
    },
  });
  const auth: ServerAuth = { issuer, authenticator, authorizer: createAuthorizer(source) };
  seed(registry, auth, certs.caPem);
  const instruments = new Instruments();
  const server = await startServer({ registry, auth, instruments, tls: { cert: certs.certPem, key: certs.keyPem }, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000 }, options.port ?? 0);
  const url = `https://127.0.0.1:${server.port}`;
  const ownedDirs: string[] = [];

  async function mint(namespace: string, name: string, expirationSeconds: number | undefined): Promise<string> {
    if (expirationSeconds === undefined) {
      // The lifetime of what a kubelet mounts in a pod (3607 s asked, which the server extends to a
      // year with warnafter at 3607 s); unbound here, as there is no pod to bind it to.
      const uid = registry.store.get(registry.core("serviceaccounts"), namespace, name)!.obj.metadata.uid as string;
      return (await auth.issuer.mint({ namespace, name, uid, expirationSeconds: KUBELET_TOKEN_SECONDS, extendedSeconds: EXTENDED_TOKEN_SECONDS })).token;
    }
    const call = internalCall(registry, auth, registry.core("serviceaccounts"), "kubelet");
    call.info = { ...call.info, namespace, name, subresource: "token" };
    call.body = Buffer.from(JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: expirationSeconds ? { expirationSeconds } : {} }));
    const reply = await tokenRequest(call, false);
    return (JSON.parse(reply.body.toString()) as { status: { token: string } }).status.token;
  }

  return {
    url,
    caPem: certs.caPem,
    adminToken,
    kubeconfig(opts = {}) {
      return kubeconfigYaml({ server: url, caPem: certs.caPem, token: opts.token ?? adminToken, ...(opts.namespace ? { namespace: opts.namespace } : {}), user: opts.token ? "user" : "admin" });
    },
    async serviceAccount(namespace, name, opts = {}) {
      if (registry.namespaceState(namespace) === "missing") createInternal(registry, auth, registry.core("namespaces"), { metadata: { name: namespace } }, "podfn-testing");
      const saDef = registry.core("serviceaccounts");
      if (!registry.store.get(saDef, namespace, name)) createInternal(registry, auth, saDef, { metadata: { name, namespace } }, "podfn-testing");
      let token = await mint(namespace, name, opts.expirationSeconds);
      const dir = await writeServiceAccountDir({ token, caPem: certs.caPem, namespace }, now(), opts.dir);
      if (!opts.dir) ownedDirs.push(dir);
      return {
        get token() {
          return token;
        },
        dir,
        async rotate() {
          token = await mint(namespace, name, opts.expirationSeconds);
          await swapToken(dir, { token, caPem: certs.caPem, namespace }, now());
          return token;
        },
      };
    },
    inject: (rule) => instruments.inject(rule),
    get requests() {
      return instruments.requests;
    },
    access: (username) => instruments.access(username),
    createResourceType(spec) {
      registry.addCustom(spec);
    },
    setPodLog(namespace, name, text, container) {
      registry.logs.set(container ? `${namespace}/${name}/${container}` : `${namespace}/${name}`, text);
    },
    serviceAddress(namespace, name, port, address) {
      setServiceAddress(registry, namespace, name, port, address);
    },
    async stop() {
      registry.retries.stop();
      await server.close();
      await Promise.all(ownedDirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
