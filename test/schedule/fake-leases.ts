/**
 * An in-memory Lease store behind the KubeClient surface leader election uses (`leases.get`,
 * `create`, `replace`), with the API server's rules: 404 when missing, 409 AlreadyExists on a
 * second create, 409 Conflict on a stale resourceVersion. `down` makes every call fail, as an
 * unreachable API server would; `hang` makes every call wait until its signal aborts, as a
 * server that accepted the connection but never answers.
 */
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { KubeAlreadyExistsError, KubeConflictError, KubeConnectionError, KubeNotFoundError } from "../../runtime/kube/errors.js";

export interface LeaseStore {
  leases: Map<string, Lease>;
  writes: { verb: string; holder: string | undefined }[];
  /** A client for one candidate; set `client.down = true` to cut it off from the store, `client.hang = true` to make it hang; `failures` counts calls failed while down. */
  client(namespace?: string): KubeClient & { down: boolean; hang: boolean; readonly failures: number };
}

const status = (reason: string, code: number, message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason, code, message });

export function leaseStore(): LeaseStore {
  const leases = new Map<string, Lease>();
  const writes: LeaseStore["writes"] = [];
  let version = 1;
  const copy = (lease: Lease): Lease => structuredClone(lease);
  return {
    leases,
    writes,
    client(namespace = "default") {
      const state = { down: false, hang: false, failures: 0 };
      const check = async (method: string, path: string, signal: AbortSignal | undefined) => {
        if (state.hang) {
          await new Promise((_, reject) => {
            if (signal?.aborted) reject(signal.reason);
            signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
        }
        if (state.down) {
          state.failures++;
          throw new KubeConnectionError(`${method} ${path}: connection refused`);
        }
      };
      const api = {
        async get(name: string, o: { namespace?: string; signal?: AbortSignal } = {}) {
          const key = `${o.namespace ?? namespace}/${name}`;
          await check("GET", key, o.signal);
          const lease = leases.get(key);
          if (!lease) throw new KubeNotFoundError(status("NotFound", 404, `leases.coordination.k8s.io "${name}" not found`), 404, { method: "GET", path: key });
          return copy(lease);
        },
        async create(lease: Lease, o: { namespace?: string; signal?: AbortSignal } = {}) {
          const key = `${o.namespace ?? namespace}/${lease.metadata?.name}`;
          await check("POST", key, o.signal);
          if (leases.has(key)) throw new KubeAlreadyExistsError(status("AlreadyExists", 409, "already exists"), 409, { method: "POST", path: key });
          const stored = { ...copy(lease), metadata: { ...lease.metadata, namespace: o.namespace ?? namespace, resourceVersion: String(version++) } };
          leases.set(key, stored);
          writes.push({ verb: "create", holder: stored.spec?.holderIdentity });
          return copy(stored);
        },
        async replace(lease: Lease, o: { namespace?: string; signal?: AbortSignal } = {}) {
          const key = `${o.namespace ?? namespace}/${lease.metadata?.name}`;
          await check("PUT", key, o.signal);
          const current = leases.get(key);
          if (!current) throw new KubeNotFoundError(status("NotFound", 404, "not found"), 404, { method: "PUT", path: key });
          if (current.metadata?.resourceVersion !== lease.metadata?.resourceVersion) {
            throw new KubeConflictError(status("Conflict", 409, "the object has been modified"), 409, { method: "PUT", path: key });
          }
          const stored = { ...copy(lease), metadata: { ...lease.metadata, resourceVersion: String(version++) } };
          leases.set(key, stored);
          writes.push({ verb: "update", holder: stored.spec?.holderIdentity });
          return copy(stored);
        },
      };
      const client = {
        namespace,
        dryRun: false,
        server: "https://fake.invalid",
        leases: api,
        with: () => client,
        close: async () => {},
        get down() {
          return state.down;
        },
        set down(value: boolean) {
          state.down = value;
        },
        get hang() {
          return state.hang;
        },
        set hang(value: boolean) {
          state.hang = value;
        },
        get failures() {
          return state.failures;
        },
      };
      return client as unknown as KubeClient & { down: boolean; hang: boolean; readonly failures: number };
    },
  };
}
