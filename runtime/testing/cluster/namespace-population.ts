/**
 * @module cluster/namespace-population
 * What kube-controller-manager keeps in every namespace, each as its controller's own request
 * (controller-admission.ts):
 * - the root CA publisher's `kube-root-ca.crt` ConfigMap (pkg/controller/certificates/
 *   rootcacertpublisher): created when the namespace is stored or the ConfigMap deleted, and
 *   updated when it is edited so that its `data` is the CA alone and its
 *   `kubernetes.io/description` annotation is set (its other fields, `binaryData` included,
 *   kept: syncNamespace's Update);
 * - the ServiceAccount controller's `default` (pkg/controller/serviceaccount): created when the
 *   namespace is stored or any ServiceAccount of it deleted, if missing.
 * Inline unless an admission webhook matches the write; then after the webhooks, and one
 * refused (or failed under failurePolicy Fail) is tried again later, 5 ms doubling up to 1000 s
 * (the controllers' DefaultControllerRateLimiter), until done, or until the namespace is gone or
 * terminating (the publisher's NotFound and NamespaceTerminating, the ServiceAccount
 * controller's inactive namespace: no retry of a create).
 */
import type { ServerAuth } from "./call.js";
import { controllerCall, someWebhookMatches, type ControllerName } from "./controller-admission.js";
import { clone, type Registry } from "./registry.js";
import { apiVersionOf, type ResourceDef } from "./resources.js";
import { ApiError } from "./status.js";
import { createObject } from "./write.js";
import { admittedCreate } from "./webhook-admission.js";

type Obj = Record<string, any>;

const ROOT_CA = "kube-root-ca.crt";
const DESCRIPTION_KEY = "kubernetes.io/description";
/** rootcacertpublisher's Description annotation. */
const ROOT_CA_DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/** The longest delay between a refused write's retries (DefaultControllerRateLimiter's 1000 s). */
const MAX_RETRY_MS = 1_000_000;

/** The controllers' reactions to the registry's writes. */
export interface NamespacePopulation {
  /** A namespace was stored: both controllers' sync. */
  namespaceAdded(namespace: string): void;
  /** An object was updated: the publisher's sync after an edit of `kube-root-ca.crt`. */
  updated(def: ResourceDef, obj: Obj): void;
  /** An object was removed: the publisher's sync after `kube-root-ca.crt`, the ServiceAccount controller's after any ServiceAccount. */
  removed(def: ResourceDef, obj: Obj): void;
}

const isCore = (def: ResourceDef, resource: string) => def.group === "" && def.resource === resource;

/** The controllers of `registry`'s cluster, publishing `caPem` as each namespace's `kube-root-ca.crt`. */
export function namespacePopulation(registry: Registry, auth: ServerAuth, caPem: string): NamespacePopulation {
  const configMaps = () => registry.core("configmaps");
  const serviceAccounts = () => registry.core("serviceaccounts");

  /** `controller`'s create of `obj` in `namespace`: inline, or reviewed (`retry` later when refused; `alreadyDone`: an AlreadyExists is no failure). */
  const create = (controller: ControllerName, def: ResourceDef, namespace: string, obj: Obj, retry: () => void, alreadyDone: boolean): void => {
    const key = `${controller} ${namespace}`;
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
      (err: unknown) => {
        if (alreadyDone && err instanceof ApiError && err.status.reason === "AlreadyExists") registry.retries.succeeded(key);
        else registry.retries.later(key, retry, MAX_RETRY_MS);
      },
    );
  };

  /** The publisher's update of `cm` (its data the CA alone, its description set): inline, or reviewed; refused or failed, `retry` later. */
  const restore = (namespace: string, cm: Obj, retry: () => void): void => {
    const key = `root-ca-cert-publisher ${namespace}`;
    const change = (copy: Obj): Obj => {
      copy.data = { "ca.crt": caPem };
      copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [DESCRIPTION_KEY]: ROOT_CA_DESCRIPTION };
      return copy;
    };
    const review = registry.reviewControllerUpdate?.("root-ca-cert-publisher", configMaps(), cm, change);
    try {
      if (review) {
        review().then(() => registry.retries.succeeded(key), () => registry.retries.later(key, retry, MAX_RETRY_MS));
        return;
      }
      registry.writeControllerUpdate?.("root-ca-cert-publisher", configMaps(), cm, change);
      registry.retries.succeeded(key);
    } catch {
      registry.retries.later(key, retry, MAX_RETRY_MS);
    }
  };

  /** The root CA publisher's syncNamespace. */
  const publish = (namespace: string): void => {
    const retry = () => publish(namespace);
    const cm = registry.store.get(configMaps(), namespace, ROOT_CA)?.obj;
    if (!cm) {
      if (registry.namespaceState(namespace) === "active") {
        create("root-ca-cert-publisher", configMaps(), namespace, { metadata: { name: ROOT_CA, annotations: { [DESCRIPTION_KEY]: ROOT_CA_DESCRIPTION } }, data: { "ca.crt": caPem } }, retry, false);
      } else registry.retries.succeeded(`root-ca-cert-publisher ${namespace}`);
      return;
    }
    const data: Obj = cm.data ?? {};
    const current = Object.keys(data).length === 1 && data["ca.crt"] === caPem && Boolean(cm.metadata.annotations?.[DESCRIPTION_KEY]);
    if (current) registry.retries.succeeded(`root-ca-cert-publisher ${namespace}`);
    else restore(namespace, cm, retry);
  };

  /** The ServiceAccount controller's syncNamespace: `default` created where missing in an active namespace. */
  const ensureDefault = (namespace: string): void => {
    if (registry.namespaceState(namespace) !== "active" || registry.store.get(serviceAccounts(), namespace, "default")) {
      registry.retries.succeeded(`service-account-controller ${namespace}`);
      return;
    }
    create("service-account-controller", serviceAccounts(), namespace, { metadata: { name: "default" } }, () => ensureDefault(namespace), true);
  };

  return {
    namespaceAdded(namespace) {
      publish(namespace);
      ensureDefault(namespace);
    },
    updated(def, obj) {
      if (obj.metadata.name === ROOT_CA && isCore(def, "configmaps")) publish(obj.metadata.namespace);
    },
    removed(def, obj) {
      if (!def.namespaced || def.group !== "") return;
      if (def.resource === "serviceaccounts") ensureDefault(obj.metadata.namespace);
      else if (def.resource === "configmaps" && obj.metadata.name === ROOT_CA) publish(obj.metadata.namespace);
    },
  };
}
