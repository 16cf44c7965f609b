/**
 * @module cluster/openapi
 * A minimal OpenAPI v3 surface, as far as kubectl needs it: `/openapi/v3` lists one document
 * per group version, and each document holds, per resource, the PATCH operation with its
 * `x-kubernetes-group-version-kind` and the query parameters (`fieldValidation`, `dryRun`,
 * `fieldManager`, `force`). kubectl reads that to learn the server validates fields itself
 * (`create -f`, `apply`). A custom resource's document also carries its kind's and List kind's
 * schemas and the meta schemas they refer to (openapi-crd, openapi-meta-schemas), which
 * `kubectl explain` reads; a built-in type's carries none.
 *
 * The index names each document by the hash of its content (`?hash=`, SHA-512 in upper-case hex,
 * as kube-openapi's handler3 computes its ETag), so a client caching by URL (kubectl's
 * `--cache-dir`) fetches a CRD's document again once the CRD changes. A document is answered with
 * that ETag (quoted; 304 on a matching If-None-Match) and, asked for by its current hash,
 * `Cache-Control: public, immutable` with an Expires a year away.
 */
import { contentHash } from "./content-hash.js";
import type { Reply } from "./call.js";
import { crdSchemas } from "./openapi-crd.js";
import { META_SCHEMAS } from "./openapi-meta-schemas.js";
import type { Registry } from "./registry.js";

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `/openapi/v3`: the index of group-version documents, each named by its content's hash. */
export function openapiIndex(registry: Registry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const d of registry.all()) {
    const p = gvPath(d.group, d.version);
    if (paths[p]) continue;
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${contentHash(JSON.stringify(openapiDocument(registry, p)))}` };
  }
  return { paths };
}

const PATCH_PARAMETERS = ["dryRun", "fieldManager", "fieldValidation", "force"].map((name) => ({ name, in: "query", schema: { type: name === "force" ? "boolean" : "string", uniqueItems: true } }));

/** `/openapi/v3/api/v1` or `/openapi/v3/apis/GROUP/VERSION`; `undefined` when not served. */
export function openapiDocument(registry: Registry, path: string): unknown {
  const defs = registry.all().filter((d) => gvPath(d.group, d.version) === path);
  if (defs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const d of defs) {
    if (d.crd) Object.assign(schemas, crdSchemas(d), META_SCHEMAS);
    const prefix = `/${path}${d.namespaced ? "/namespaces/{namespace}" : ""}/${d.resource}/{name}`;
    paths[prefix] = {
      parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }, ...(d.namespaced ? [{ name: "namespace", in: "path", required: true, schema: { type: "string" } }] : [])],
      patch: {
        operationId: `patch${d.kind}`,
        parameters: PATCH_PARAMETERS,
        responses: { "200": { description: "OK" } },
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": { group: d.group, version: d.version, kind: d.kind },
      },
    };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.6" }, paths, components: { schemas: sortedKeys(schemas) } };
}

function sortedKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/**
 * The answer to GET `/openapi/v3/<path>` with its `hash` query and If-None-Match; `undefined`
 * when no such document is served.
 */
export function serveOpenapiDocument(registry: Registry, path: string, hash: string | null, ifNoneMatch = ""): Reply | undefined {
  const doc = openapiDocument(registry, path);
  if (!doc) return undefined;
  const json = JSON.stringify(doc);
  const etag = `"${contentHash(json)}"`;
  const headers: Record<string, string> = { Vary: "Accept", Etag: etag };
  if (hash && `"${hash}"` === etag) Object.assign(headers, { "Cache-Control": "public, immutable", Expires: new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString() });
  if (ifNoneMatch === etag) return { status: 304, body: "", headers };
  return { status: 200, body: json, headers };
}
