/**
 * @module cron/offline-kube
 * The client a function gets when its pod has no ServiceAccount token on purpose: the generated
 * manifests set `automountServiceAccountToken: false` for workloads that declare no permissions,
 * so such a function runs without credentials, and any API call it makes anyway fails with an
 * error that says what to declare.
 */
import { PodfnError } from "../errors.js";
import type { KubeClient } from "../kube/api.js";

/** A client whose every API access throws `kube_unavailable`. */
export function offlineKube(fn: string, namespace: string): KubeClient {
  const base = {
    namespace,
    dryRun: false,
    server: "",
    with: () => client,
    close: async () => {},
  };
  const client: KubeClient = new Proxy(base, {
    get(target, key) {
      if (key in target) return target[key as keyof typeof target];
      if (typeof key === "symbol" || key === "then") return undefined;
      throw new PodfnError(
        "kube_unavailable",
        `${fn} declares no permissions, so its pod has no ServiceAccount token and cannot use kube.${key}: declare the permissions it uses (or \`kubeApi: true\` for calls every identity may make, such as whoami) and regenerate the manifests`,
      );
    },
  }) as unknown as KubeClient;
  return client;
}
