/**
 * @module cluster/openapi-v2
 * `/openapi/v2`, the Swagger 2.0 document kube-openapi's handler serves, as the emulator has it:
 * the document's frame (`swagger`, `info` naming Kubernetes v1.32.6, empty `paths` and
 * `definitions`), no operations nor schemas (its `/openapi/v3`, openapi.ts, has custom resources' schemas only). kubectl reads
 * it when a kind's group version is not in `/openapi/v3` (a custom resource whose CRD is missing):
 * finding no type there it validates nothing and goes on to the REST mapping, whose
 * `no matches for kind "X" in version "Y"` is its answer; a 404 here was its
 * "the server could not find the requested resource" instead.
 *
 * The Accept header is negotiated as the handler does (goautoneg's clauses, no header being
 * `*` / `*`): JSON for application/json (or any), gnostic's openapi_v2.Document in protobuf for
 * `com.github.proto-openapi.spec.v2.v1.0+protobuf` (and the deprecated `...v2@v1.0+protobuf`,
 * which kubectl sends), else a bodiless 406. The answer carries the ETag (SHA-512 of the JSON,
 * upper-case hex, quoted) and `Vary: Accept`; an If-None-Match naming that ETag is a bodiless 304,
 * as http.ServeContent answers.
 */
import { contentHash } from "./content-hash.js";
import { parseAccept } from "./accept.js";
import type { Reply } from "./call.js";
import { versionInfo } from "./discovery.js";

const PROTOBUF = "com.github.proto-openapi.spec.v2.v1.0+protobuf";
const PROTOBUF_DEPRECATED = "com.github.proto-openapi.spec.v2@v1.0+protobuf";
/** When the handler's document was built (Last-Modified): the server's start. */
const BUILT = new Date();
const VERSION = String(versionInfo().gitVersion);

/** The document as JSON, in the order kube-openapi's spec.Swagger marshals it. */
function documentJson(): string {
  return JSON.stringify({ swagger: "2.0", info: { title: "Kubernetes", version: VERSION }, paths: {}, definitions: {} });
}

/** A protobuf length-delimited field (wire type 2). */
function field(number: number, value: Buffer): Buffer {
  const header: number[] = [(number << 3) | 2];
  let n = value.length;
  while (n > 0x7f) {
    header.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  header.push(n);
  return Buffer.concat([Buffer.from(header), value]);
}

/** The same document as gnostic's openapi_v2.Document (swagger 1, info 2 {title 1, version 2}, paths 8, definitions 9). */
function documentProtobuf(): Buffer {
  const info = Buffer.concat([field(1, Buffer.from("Kubernetes")), field(2, Buffer.from(VERSION))]);
  return Buffer.concat([field(1, Buffer.from("2.0")), field(2, info), field(8, Buffer.alloc(0)), field(9, Buffer.alloc(0))]);
}

/**
 * The answer to GET /openapi/v2 with `accept` and `ifNoneMatch`.
 *
 * @example
 * serveOpenapiV2("application/json").body; // '{"swagger":"2.0","info":{"title":"Kubernetes","version":"v1.32.6"},"paths":{},"definitions":{}}'
 */
export function serveOpenapiV2(accept: string, ifNoneMatch = ""): Reply {
  const json = documentJson();
  const etag = `"${contentHash(json)}"`;
  const headers: Record<string, string> = { Vary: "Accept" };
  for (const clause of parseAccept(accept || "*/*")) {
    if (clause.type !== "application" && clause.type !== "*") continue;
    const subType = clause.subType === "*" || clause.subType === "json" ? "json" : clause.subType === PROTOBUF || clause.subType === PROTOBUF_DEPRECATED ? PROTOBUF : undefined;
    if (!subType) continue;
    const served = { ...headers, Etag: etag, "Last-Modified": BUILT.toUTCString(), "Accept-Ranges": "bytes" };
    const contentType = `application/${subType}`;
    if (ifNoneMatch === etag) return { status: 304, body: "", contentType, headers: served };
    return { status: 200, body: subType === "json" ? json : documentProtobuf(), contentType, headers: served };
  }
  return { status: 406, body: "", contentType: "", headers };
}
