/**
 * @module cluster/watch-table
 * A watch asked for as a Table (`kubectl get --watch`): as 1.32's `watchEmbeddedEncoder`
 * (apiserver handlers/response.go), every event's object but a Status — ADDED, MODIFIED,
 * DELETED and BOOKMARK alike — is sent as a Table of one row, in the `meta.k8s.io` version the
 * Accept header negotiated (`v1`, or `v1beta1` when that is what the client asked for first),
 * whose metadata carries the object's resourceVersion; only the first event of the stream
 * carries `columnDefinitions` (the encoder sets `noHeaders` after it), later ones `null`. The
 * stream itself stays `application/json`, as `serveWatchHandler` frames it.
 */
import type { Call } from "./call.js";
import { includeObjectOf, tableOf, type TableVersion } from "./table.js";

/** Encodes one event's object (JSON text) for the stream. */
export type WatchObjectEncoder = (objectJson: string) => string;

/** The encoder of a Table watch: the first call prints headers, every later one not. */
export function tableWatchEncoder(call: Call, version: TableVersion): WatchObjectEncoder {
  // serveWatchHandler's optionsForTransform: a bad `includeObject` is the 400, before the stream.
  includeObjectOf(call);
  let headers = true;
  return (objectJson) => {
    const obj = JSON.parse(objectJson) as Record<string, any>;
    const first = headers;
    headers = false;
    if (obj.kind === "Status" && obj.apiVersion === "v1") return objectJson;
    const metadata: Record<string, unknown> = {};
    if (obj.metadata?.resourceVersion) metadata.resourceVersion = obj.metadata.resourceVersion;
    return JSON.stringify(tableOf(call, [obj], metadata, first, version));
  };
}
