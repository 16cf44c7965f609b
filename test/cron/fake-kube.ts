/**
 * A KubeClient double for `podfn run` tests: ConfigMaps in memory, every call recorded with the
 * view's dry-run flag, and an optional 403 on create. Anything else throws, so a test notices
 * when the code under test reaches for more than it should.
 */
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { KubeForbiddenError } from "../../runtime/kube/errors.js";

export interface FakeKubeOptions {
  namespace?: string;
  /** When set, `configMaps.create` answers 403 as this ServiceAccount. */
  forbidCreateAs?: string;
}

export interface FakeKube {
  kube: KubeClient;
  calls: { verb: string; name?: string; dryRun: boolean }[];
  closed: boolean;
}

export function fakeKube(options: FakeKubeOptions = {}): FakeKube {
  const namespace = options.namespace ?? "default";
  const state: FakeKube = { kube: undefined as unknown as KubeClient, calls: [], closed: false };
  function view(dryRun: boolean): KubeClient {
    const configMaps = {
      async create(object: ConfigMap) {
        state.calls.push({ verb: "create", name: object.metadata?.name, dryRun });
        if (options.forbidCreateAs) {
          const message = `configmaps is forbidden: User "${options.forbidCreateAs}" cannot create resource "configmaps" in API group "" in the namespace "${namespace}"`;
          throw new KubeForbiddenError(
            { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Forbidden", details: { kind: "configmaps" }, code: 403 },
            403,
            { method: "POST", path: `/api/v1/namespaces/${namespace}/configmaps` },
          );
        }
        return { ...object, metadata: { ...object.metadata, namespace } };
      },
    };
    const base = {
      namespace,
      dryRun,
      server: "https://fake.invalid",
      configMaps,
      with: (o: { dryRun?: boolean }) => view(o.dryRun ?? dryRun),
      close: async () => {
        state.closed = true;
      },
    };
    return new Proxy(base, {
      get(target, key) {
        if (key in target) return target[key as keyof typeof target];
        if (key === "then") return undefined;
        throw new Error(`fake kube: ${String(key)} is not implemented`);
      },
    }) as unknown as KubeClient;
  }
  state.kube = view(false);
  return state;
}
