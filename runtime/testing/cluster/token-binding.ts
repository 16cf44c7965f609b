/**
 * @module cluster/token-binding
 * A TokenRequest's `boundObjectRef`, resolved as 1.32's TokenREST.Create does
 * (pkg/registry/core/serviceaccount/storage/token.go): it switches on the group and kind of
 * `schema.FromAPIVersionAndKind(apiVersion, kind)`, so only a core Pod, Secret or Node (the
 * ServiceAccountTokenNodeBinding gate, beta and on) can be bound; anything else is the 400
 * naming `gvk.String()`. A missing object is its 404; a uid that is not the object's the 409
 * on `GroupResource{Group: gvk.Group, Resource: gvk.Kind}`. A pod's token also names the node the
 * pod runs on, when that Node exists (ServiceAccountTokenPodNodeInfo).
 */
import type { Registry } from "./registry.js";
import { badRequest, conflict, notFound } from "./status.js";
import type { ObjectRef } from "./auth/tokens.js";

type Obj = Record<string, any>;

/** What a token is bound to: a Pod, Secret or Node, and the node of a pod bound to one. */
export interface BoundObject extends ObjectRef {
  kind: "Pod" | "Secret" | "Node";
  node?: ObjectRef;
}

/** schema.ParseGroupVersion within FromAPIVersionAndKind: one that does not parse gives an empty group and version. */
function groupVersionOf(apiVersion: string): { group: string; version: string } {
  if (apiVersion === "") return { group: "", version: "" };
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { group: "", version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: "", version: "" };
}

/**
 * The object `ref` names for a token of the ServiceAccount `namespace/account`, or the error
 * the real server answers.
 */
export function resolveBoundObject(registry: Registry, namespace: string, account: string, ref: Obj): BoundObject {
  const kind = String(ref.kind ?? "");
  const name = String(ref.name ?? "");
  const { group, version } = groupVersionOf(String(ref.apiVersion ?? ""));
  const resource = group === "" ? { Pod: "pods", Secret: "secrets", Node: "nodes" }[kind] : undefined;
  // GroupVersionKind.String(): group "/" version ", Kind=" kind, whatever is empty.
  if (!resource) throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
  const def = registry.core(resource);
  const target = registry.store.get(def, namespace, name)?.obj;
  if (!target) throw notFound(def, name);
  if (kind === "Pod" && (target.spec?.serviceAccountName ?? "default") !== account) {
    throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(account)} to pod running with different serviceaccount name.`);
  }
  const uid = String(target.metadata.uid);
  if (ref.uid && ref.uid !== uid) {
    throw conflict({ group, resource: kind }, name, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  const bound: BoundObject = { kind: kind as BoundObject["kind"], name, uid };
  if (kind === "Pod" && target.spec?.nodeName) {
    const node = registry.store.get(registry.core("nodes"), undefined, String(target.spec.nodeName))?.obj;
    if (node) bound.node = { name: node.metadata.name, uid: node.metadata.uid };
  }
  return bound;
}
