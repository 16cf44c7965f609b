/**
 * @module cluster/namespace-population
 * What kube-controller-manager adds to every namespace, right after it is stored: the root CA
 * publisher's `kube-root-ca.crt` ConfigMap (pkg/controller/certificates/rootcacertpublisher)
 * and the ServiceAccount controller's `default` (pkg/controller/serviceaccount), each created
 * where missing as its controller's own request (controller-admission.ts). Inline unless an
 * admission webhook matches the create; then after the webhooks, and one refused (or failed
 * under failurePolicy Fail) is tried again later, 5 ms doubling up to 1000 s (the controllers'
 * DefaultControllerRateLimiter), until created, until the object exists, or until the namespace
 * is gone or terminating (the publisher's NotFound and NamespaceTerminating, the ServiceAccount
 * controller's inactive namespace: no retry).
 */
import type { ServerAuth } from "./call.js";
import { controllerCall, someWebhookMatches, type ControllerName } from "./controller-admission.js";
import { clone, type Registry } from "./registry.js";
import { apiVersionOf, type ResourceDef } from "./resources.js";
import { createObject } from "./write.js";
import { admittedCreate } from "./webhook-admission.js";

type Obj = Record<string, any>;

/** rootcacertpublisher's Description annotation. */
const ROOT_CA_DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/** The longest delay between a refused create's retries (DefaultControllerRateLimiter's 1000 s). */
const MAX_RETRY_MS = 1_000_000;

/** `controller`'s create of `obj` in `namespace` where missing, retried while refused. */
function ensure(registry: Registry, auth: ServerAuth, controller: ControllerName, def: ResourceDef, namespace: string, obj: Obj): void {
  const key = `${controller} ${namespace}`;
  const sync = (): void => {
    if (registry.namespaceState(namespace) !== "active" || registry.store.get(def, namespace, obj.metadata.name)) {
      registry.retries.succeeded(key);
      return;
    }
    const call = controllerCall(registry, auth, def, controller, "create");
    call.info = { ...call.info, namespace };
    const { name, ...meta } = clone(obj.metadata) as Obj;
    const full: Obj = { kind: def.kind, apiVersion: apiVersionOf(def), ...clone(obj), metadata: { name, namespace, ...meta } };
    if (!someWebhookMatches(registry, { def, subresource: "", operation: "CREATE", namespace, object: full, oldObject: null })) {
      createObject(call, full, namespace);
      registry.retries.succeeded(key);
      return;
    }
    admittedCreate(call, full, namespace).then(
      () => registry.retries.succeeded(key),
      () => registry.retries.later(key, sync, MAX_RETRY_MS),
    );
  };
  sync();
}

/** The controllers' work on a new namespace, publishing `caPem` as its `kube-root-ca.crt`. */
export function namespacePopulator(registry: Registry, auth: ServerAuth, caPem: string): (namespace: string) => void {
  return function populateNamespace(namespace) {
    const configMap = { metadata: { name: "kube-root-ca.crt", annotations: { "kubernetes.io/description": ROOT_CA_DESCRIPTION } }, data: { "ca.crt": caPem } };
    ensure(registry, auth, "root-ca-cert-publisher", registry.core("configmaps"), namespace, configMap);
    ensure(registry, auth, "service-account-controller", registry.core("serviceaccounts"), namespace, { metadata: { name: "default" } });
  };
}
