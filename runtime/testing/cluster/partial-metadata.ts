/**
 * @module cluster/partial-metadata
 * An answer asked for as metadata only (`Accept: application/json;as=PartialObjectMetadata;
 * g=meta.k8s.io;v=v1`, client-go's metadata client), as 1.32's `asPartialObjectMetadata` and
 * `asPartialObjectMetadataList` (apiserver handlers/response.go) make it:
 * - a GET's object becomes `{kind: PartialObjectMetadata, apiVersion: meta.k8s.io/<v>, metadata}`;
 * - a LIST becomes a `PartialObjectMetadataList` of such items, with the list's resourceVersion,
 *   continue and remainingItemCount (no selfLink); no items is `items: null` (a nil slice);
 * - a WATCH sends every event's object but a Status as a PartialObjectMetadata;
 * - a list asked for as `PartialObjectMetadata`, or an object as `PartialObjectMetadataList`, is
 *   the 406 `you requested PartialObjectMetadata, but the requested object is a list (*core.PodList)`
 *   (`%T` of the registry's internal object: `*<package>.<Kind>`, a custom resource's
 *   `*unstructured.Unstructured`).
 * The Content-Type stays `application/json`.
 */
import { internalGroup, type Call, type Reply } from "./call.js";
import { storedAs } from "./resources.js";
import type { MetaVersion } from "./response-transform.js";
import { notAcceptable } from "./response-transform.js";
import type { WatchObjectEncoder } from "./watch-table.js";

type Obj = Record<string, any>;


/** `%T` of the registry's object for `call`: `*core.ConfigMap`, `*apps.DeploymentList`, `*unstructured.Unstructured`. */
function goTypeName(call: Call, kind: string, list: boolean): string {
  if (call.def.crd && call.info.subresource !== "scale") return list ? "*unstructured.UnstructuredList" : "*unstructured.Unstructured";
  const group = call.info.subresource === "scale" ? "autoscaling" : storedAs(call.def).group;
  return `*${internalGroup(group)}.${kind}${list ? "List" : ""}`;
}

/** One object's metadata as a PartialObjectMetadata of `meta.k8s.io/<version>`. */
function partialObject(obj: Obj, version: MetaVersion): Obj {
  const out: Obj = { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}` };
  if (obj.metadata && Object.keys(obj.metadata).length) out.metadata = obj.metadata;
  return out;
}

/** A GET or LIST reply as the PartialObjectMetadata(List) asked for, or the 406 when the shapes differ. */
export function partialReply(call: Call, reply: Reply, accept: string, kind: "PartialObjectMetadata" | "PartialObjectMetadataList", version: MetaVersion): Reply {
  const parsed = JSON.parse(reply.body.toString()) as Obj;
  const isList = Array.isArray(parsed.items) || parsed.items === null;
  const objectKind = isList ? String(parsed.kind ?? "").replace(/List$/, "") : String(parsed.kind ?? "");
  if (kind === "PartialObjectMetadata") {
    if (isList) return notAcceptable(accept, `you requested PartialObjectMetadata, but the requested object is a list (${goTypeName(call, objectKind, true)})`);
    return { status: 200, body: JSON.stringify(partialObject(parsed, version)) };
  }
  if (!isList) return notAcceptable(accept, `you requested PartialObjectMetadataList, but the requested object is not a list (${goTypeName(call, objectKind, false)})`);
  const metadata: Obj = {};
  if (parsed.metadata?.resourceVersion) metadata.resourceVersion = parsed.metadata.resourceVersion;
  if (parsed.metadata?.continue) metadata.continue = parsed.metadata.continue;
  if (parsed.metadata?.remainingItemCount !== undefined) metadata.remainingItemCount = parsed.metadata.remainingItemCount;
  const items = (parsed.items ?? []) as Obj[];
  const list = { kind: "PartialObjectMetadataList", apiVersion: `meta.k8s.io/${version}`, metadata, items: items.length ? items.map((o) => partialObject(o, version)) : null };
  return { status: 200, body: JSON.stringify(list) };
}

/** The encoder of a metadata-only watch: every event's object but a Status, as a PartialObjectMetadata. */
export function partialWatchEncoder(version: MetaVersion): WatchObjectEncoder {
  return (objectJson) => {
    const obj = JSON.parse(objectJson) as Obj;
    if (obj.kind === "Status" && obj.apiVersion === "v1") return objectJson;
    return JSON.stringify(partialObject(obj, version));
  };
}
