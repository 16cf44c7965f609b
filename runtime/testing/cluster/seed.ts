/**
 * @module cluster/seed
 * What a fresh cluster holds before the first request, as after kube-apiserver and
 * kube-controller-manager started: the namespaces `default`, `kube-system`, `kube-public` and
 * `kube-node-lease`, each with the `default` ServiceAccount and the `kube-root-ca.crt`
 * ConfigMap (as every namespace created later gets them, right after it is stored:
 * namespace-population.ts), and the
 * bootstrap RBAC ClusterRoles (admin, edit and view aggregated by the clusterrole-aggregation
 * controller, as it does on every later ClusterRole change) and ClusterRoleBindings, and the
 * system PriorityClasses (system-node-critical, system-cluster-critical). Objects are created
 * through the same create path as API requests (`internalCall`).
 */
import { defaultRbacObjects } from "./auth/index.js";
import type { Call, ServerAuth } from "./call.js";
import { AGGREGATION_MANAGER, clusterRoleAggregator } from "./clusterrole-aggregation.js";
import type { Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";
import type { Entry } from "./store.js";
import { createObject } from "./write.js";
import { tokensController } from "./serviceaccount-tokens.js";
import { systemPriorityClasses } from "./priority-class.js";
import { controllerCall, controllerDeleteReview, controllerInlineUpdate, controllerUpdateReview } from "./controller-admission.js";
import { namespacePopulation } from "./namespace-population.js";

type Obj = Record<string, any>;

/** The namespaces every cluster starts with. */
export const INITIAL_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** A Call for the server's own writes (no query, system user, manager `manager`). */
export function internalCall(registry: Registry, auth: ServerAuth, def: ResourceDef, manager: string): Call {
  return {
    auth, registry, def,
    info: { resourceRequest: true, path: "", verb: "create", apiPrefix: "", apiGroup: def.group, apiVersion: def.version, namespace: "", resource: def.resource, subresource: "", name: "", parts: [] },
    query: new URLSearchParams({ fieldManager: manager }),
    user: { username: "system:apiserver", groups: ["system:masters"] },
    body: Buffer.alloc(0),
    contentType: "application/json",
    userAgent: manager,
  };
}

/** Creates `obj` as the server itself (or a controller) would. */
export function createInternal(registry: Registry, auth: ServerAuth, def: ResourceDef, obj: Obj, manager = "kube-controller-manager"): Entry {
  const full: Obj = { kind: def.kind, apiVersion: def.group ? `${def.group}/${def.version}` : def.version, ...obj };
  return createObject(internalCall(registry, auth, def, manager), full, full.metadata?.namespace ?? "");
}

/**
 * The Service kube-apiserver keeps for itself (pkg/controlplane/controller/kubernetesservice):
 * `kubernetes.default.svc`, port 443 to the server's secure port (kubeadm's 6443).
 */
function kubernetesService(): Obj {
  return {
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { type: "ClusterIP", clusterIP: "10.96.0.1", sessionAffinity: "None", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
  };
}

/** Fills a new registry with the initial namespaces and bootstrap RBAC. */
export function seed(registry: Registry, auth: ServerAuth, caPem: string): void {
  const rbac = (resource: string) => registry.find("rbac.authorization.k8s.io", "v1", resource)!;
  const { clusterRoles, clusterRoleBindings } = defaultRbacObjects();
  // The aggregation controller fills admin, edit and view as their sources are stored (inline).
  const aggregation = controllerCall(registry, auth, rbac("clusterroles"), AGGREGATION_MANAGER, "patch");
  aggregation.query = new URLSearchParams({ fieldManager: AGGREGATION_MANAGER });
  registry.aggregateClusterRoles = clusterRoleAggregator(internalCall(registry, auth, rbac("clusterroles"), AGGREGATION_MANAGER), aggregation);
  for (const role of clusterRoles) createInternal(registry, auth, rbac("clusterroles"), role as Obj, "kube-apiserver");
  for (const binding of clusterRoleBindings) createInternal(registry, auth, rbac("clusterrolebindings"), binding as Obj, "kube-apiserver");
  // Every namespace, these and those created later, gets what the controllers add (inline).
  registry.population = namespacePopulation(registry, auth, caPem);
  // The tokens controller fills the service-account-token Secrets written from now on.
  registry.tokens = tokensController(registry, auth, caPem);
  // The controllers' DELETEs and updates go through the webhooks that match them.
  registry.reviewControllerDelete = controllerDeleteReview(registry, auth);
  registry.reviewControllerUpdate = controllerUpdateReview(registry, auth);
  registry.writeControllerUpdate = controllerInlineUpdate(registry, auth);
  for (const ns of INITIAL_NAMESPACES) createInternal(registry, auth, registry.core("namespaces"), { metadata: { name: ns } }, "kube-apiserver");
  createInternal(registry, auth, registry.core("services"), kubernetesService(), "kube-apiserver");
  // The scheduling storage's post-start hook creates the system PriorityClasses.
  const priorityClasses = registry.find("scheduling.k8s.io", "v1", "priorityclasses")!;
  for (const pc of systemPriorityClasses()) createInternal(registry, auth, priorityClasses, pc, "kube-apiserver");
}
