/**
 * @module cluster/openapi
 * A minimal OpenAPI v3 surface, as far as kubectl needs it: `/openapi/v3` lists one document
 * per group version, and each document holds, per resource, the PATCH operation with its
 * `x-kubernetes-group-version-kind` and the query parameters (`fieldValidation`, `dryRun`,
 * `fieldManager`, `force`). kubectl reads that to learn the server validates fields itself
 * (`create -f`, `apply`); no schemas are served.
 */
import type { Registry } from "./registry.js";

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `/openapi/v3`: the index of group-version documents. */
export function openapiIndex(registry: Registry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const d of registry.all()) {
    const p = gvPath(d.group, d.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=podfn` };
  }
  return { paths };
}

const PATCH_PARAMETERS = ["dryRun", "fieldManager", "fieldValidation", "force"].map((name) => ({ name, in: "query", schema: { type: name === "force" ? "boolean" : "string", uniqueItems: true } }));

/** `/openapi/v3/api/v1` or `/openapi/v3/apis/GROUP/VERSION`; `undefined` when not served. */
export function openapiDocument(registry: Registry, path: string): unknown {
  const defs = registry.all().filter((d) => gvPath(d.group, d.version) === path);
  if (defs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const d of defs) {
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
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.6" }, paths, components: { schemas: {} } };
}
