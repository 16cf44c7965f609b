/**
 * @module cluster/watch-list-blueprint
 * The `kubernetes.io/initial-events-list-blueprint` annotation 1.32's watch handler adds to a
 * watch list's initial-events-end BOOKMARK (handlers' watchListTransformer, #127587; removed in
 * 1.34): an empty list of the watched type, converted to the watched version (ListResource's
 * `ConvertToVersion(r.NewList(), ...)`), encoded as the answer's objects are (the JSON
 * serializer: Go's json.Encoder, so a trailing newline) and base64-encoded (StdEncoding). A
 * built-in type's list is its Go struct: `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":null}`
 * (a nil slice); a custom resource's is an UnstructuredList, whose map encodes with sorted keys
 * and an empty `items` array; asked for as metadata only, the list is a PartialObjectMetadataList
 * of the negotiated `meta.k8s.io` version (`asPartialObjectMetadataList`).
 */
import { apiVersionOf, type ResourceDef } from "./resources.js";
import type { MetaVersion } from "./response-transform.js";

/** The annotation's key. */
export const LIST_BLUEPRINT_ANNOTATION = "kubernetes.io/initial-events-list-blueprint";

/** The annotation's value for a watch of `def`, or of its metadata only (`partial`: the meta.k8s.io version). */
export function initialEventsListBlueprint(def: ResourceDef, partial?: MetaVersion): string {
  let json: string;
  if (partial) json = JSON.stringify({ kind: "PartialObjectMetadataList", apiVersion: `meta.k8s.io/${partial}`, metadata: {}, items: null });
  else if (def.custom) json = JSON.stringify({ apiVersion: apiVersionOf(def), items: [], kind: `${def.kind}List` });
  else json = JSON.stringify({ kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: {}, items: null });
  return Buffer.from(`${json}\n`).toString("base64");
}
