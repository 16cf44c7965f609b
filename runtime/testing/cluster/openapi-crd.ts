/**
 * @module cluster/openapi-crd
 * A custom resource's schemas in its group version's OpenAPI v3 document, as apiextensions'
 * openapi builder (BuildOpenAPIV3) makes them from a served CRD version: the version's
 * openAPIV3Schema unfolded (an `x-kubernetes-int-or-string` gets `anyOf` integer, string; an
 * `x-kubernetes-embedded-resource` gets apiVersion, kind and metadata, both required), with
 * `metadata` a reference to ObjectMeta, TypeMeta's `apiVersion` and `kind`, and its
 * `x-kubernetes-group-version-kind`; and the List kind (`items` of the kind, a ListMeta
 * `metadata`). Named as the CRD canonical type namer and ToRESTFriendlyName name them:
 * `example.com/v1.Widget` is `com.example.v1.Widget`. References with siblings are wrapped in
 * `allOf` (builder3's wrapRefs).
 */
import { LIST_META_REF, OBJECT_META_REF, TYPE_META_PROPERTIES } from "./openapi-meta-schemas.js";
import type { ResourceDef } from "./resources.js";

type Schema = Record<string, any>;

const CONVENTIONS = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md";
/** PartialObjectMetadata's and PartialObjectMetadataList's `metadata` descriptions (their SwaggerDoc). */
const OBJECT_METADATA = `Standard object's metadata. More info: ${CONVENTIONS}#metadata`;
const LIST_METADATA = `Standard list metadata. More info: ${CONVENTIONS}#types-kinds`;

const metadataProperty = (): Schema => ({ allOf: [{ $ref: OBJECT_META_REF }], description: OBJECT_METADATA });

/** `example.com` / `v1` / `Widget` → `com.example.v1.Widget` (the group's DNS labels reversed). */
export function componentName(group: string, version: string, kind: string): string {
  return [...group.split(".").reverse(), version, kind].join(".");
}

/** A copy of `schema` unfolded and with embedded resources' properties, as the builder's ToKubeOpenAPI and addEmbeddedProperties leave it. */
function unfold(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties as Schema).map(([k, v]) => [k, unfold(v)]));
  if (schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) out.items = unfold(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") out.additionalProperties = unfold(schema.additionalProperties);
  if (schema["x-kubernetes-int-or-string"] === true && !schema.anyOf && !schema.allOf?.some((s: Schema) => s.anyOf)) out.anyOf = [{ type: "integer" }, { type: "string" }];
  if (schema["x-kubernetes-embedded-resource"] === true) {
    out.properties = {
      ...out.properties,
      apiVersion: { ...TYPE_META_PROPERTIES.apiVersion, description: `apiVersion defines the versioned schema of this representation of an object. More info: ${CONVENTIONS}#resources` },
      kind: { ...TYPE_META_PROPERTIES.kind, description: `kind is a string value representing the type of this object. In CamelCase. More info: ${CONVENTIONS}#types-kinds` },
      metadata: metadataProperty(),
    };
    const required: string[] = [...(out.required ?? [])];
    for (const name of ["kind", "apiVersion"]) if (!required.includes(name)) required.push(name);
    out.required = required;
  }
  return out;
}

/** The kind's schema: the version's schema (or a bare object without one) with the Kubernetes properties. */
function kindSchema(def: ResourceDef): Schema {
  const gvk = [{ group: def.group, kind: def.kind, version: def.version }];
  const schema = def.crd?.schema;
  if (!schema) return { type: "object", "x-kubernetes-group-version-kind": gvk };
  const out = unfold(schema);
  out.properties = { ...out.properties, metadata: metadataProperty(), apiVersion: TYPE_META_PROPERTIES.apiVersion, kind: TYPE_META_PROPERTIES.kind };
  out["x-kubernetes-group-version-kind"] = gvk;
  return out;
}

/** The List kind's schema. */
function listSchema(def: ResourceDef, listKind: string): Schema {
  return {
    description: `${listKind} is a list of ${def.kind}`,
    properties: {
      apiVersion: TYPE_META_PROPERTIES.apiVersion,
      items: {
        description: `List of ${def.resource}. More info: ${CONVENTIONS}`,
        items: { $ref: `#/components/schemas/${componentName(def.group, def.version, def.kind)}` },
        type: "array",
      },
      kind: TYPE_META_PROPERTIES.kind,
      metadata: { allOf: [{ $ref: LIST_META_REF }], description: LIST_METADATA },
    },
    required: ["items"],
    type: "object",
    "x-kubernetes-group-version-kind": [{ group: def.group, kind: listKind, version: def.version }],
  };
}

/** The component schemas a CRD-served type adds to its group version's document (kind, then list). */
export function crdSchemas(def: ResourceDef): Record<string, Schema> {
  const listKind = def.crd?.listKind || `${def.kind}List`;
  return {
    [componentName(def.group, def.version, def.kind)]: kindSchema(def),
    [componentName(def.group, def.version, listKind)]: listSchema(def, listKind),
  };
}
