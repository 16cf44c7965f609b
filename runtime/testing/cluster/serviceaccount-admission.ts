/**
 * @module cluster/serviceaccount-admission
 * The ServiceAccount admission plugin on a pod's create (plugin/pkg/admission/serviceaccount):
 * the pod runs as `default` unless it names another ServiceAccount, which must exist in its
 * namespace (else 403 `error looking up service account ...`, dry run too); the token volume
 * (`kube-api-access-xxxxx`, the projected token, `kube-root-ca.crt` and the namespace) is
 * mounted into every container unless the pod's or else the ServiceAccount's
 * `automountServiceAccountToken` is false; a pod without image pull secrets takes the
 * ServiceAccount's.
 */
import { randomSuffix } from "./defaults.js";
import type { Registry } from "./registry.js";
import { ApiError, forbidden } from "./status.js";

type Obj = Record<string, any>;

const SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** admission.NewForbidden: the object's name, else its generateName, names it (no name is generated yet). */
function lookupFailed(pod: Obj, namespace: string, serviceAccount: string): ApiError {
  const name = pod.metadata?.name || pod.metadata?.generateName || "Unknown";
  return forbidden({ group: "", resource: "pods" }, name, `error looking up service account ${namespace}/${serviceAccount}: serviceaccount "${serviceAccount}" not found`);
}

/**
 * mountServiceAccountToken: every init container, then every container, not already mounting the
 * token path gets the token volume's mount; the volume (an existing `kube-api-access-*` one, or a
 * new one) is added only when some container took the mount and the pod has none.
 */
function mountToken(spec: Obj): void {
  const existing = (spec.volumes ?? []).find((v: Obj) => String(v.name).startsWith("kube-api-access-"));
  const name: string = existing?.name ?? `kube-api-access-${randomSuffix()}`;
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m: Obj) => m.mountPath === SERVICE_ACCOUNT_MOUNT)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT }];
    needed = true;
  }
  if (existing || !needed) return;
  spec.volumes = [
    ...(spec.volumes ?? []),
    {
      name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
        ],
        defaultMode: 420,
      },
    },
  ];
}

/** Admits the pod `pod` created in `namespace`: changes it in place, or throws the 403. */
export function admitPodServiceAccount(registry: Registry, pod: Obj, namespace: string): void {
  pod.spec ??= {};
  const spec = pod.spec;
  const name: string = spec.serviceAccountName || spec.serviceAccount || "default";
  spec.serviceAccountName = name;
  const account = registry.store.get(registry.core("serviceaccounts"), namespace, name)?.obj;
  if (!account) throw lookupFailed(pod, namespace, name);
  const automount = typeof spec.automountServiceAccountToken === "boolean" ? spec.automountServiceAccountToken : account.automountServiceAccountToken !== false;
  if (automount) mountToken(spec);
  if (!spec.imagePullSecrets?.length && account.imagePullSecrets?.length) {
    spec.imagePullSecrets = account.imagePullSecrets.map((s: Obj) => ({ name: s.name }));
  }
}
