/**
 * @module cluster/crd-validation
 * ValidateCustomResourceDefinition as 1.32 runs it on a v1 CRD, for the mistakes people make:
 * the name (`<plural>.<group>`), the group (a domain with a dot; protected `*.k8s.io` groups
 * need the approval annotation), scope, versions (names, unique, exactly one storage version,
 * a schema each), the names (required, DNS-1035, Kind's mixed case, kind ≠ listKind), printer
 * columns, scale paths, the conversion strategy, `preserveUnknownFields`, each schema's list
 * types, CEL rule entries, the OpenAPI rules (uniqueItems, additionalProperties beside
 * properties, the extensions: crd-openapi-rules) and structural rules (a type everywhere,
 * `object` at the root, junctors that restrict values only: crd-structural-junctors; embedded
 * resources and the root's metadata: crd-structural-resources) and `status.storedVersions`.
 * On update: `spec.group` and `spec.names.plural` are immutable, and `scope` and
 * `names.kind` once the CRD is established.
 *
 * A v1 CRD is validated as its internal form: when every version has the same schema,
 * subresources and columns (always, with one version), they are checked at `spec.validation`,
 * `spec.subresources` and `spec.additionalPrinterColumns` (sic, as the conversion moves them),
 * else per version. `x-kubernetes-validations` entries: their fields (crd-cel-definition), not
 * their compilation. Not checked: defaults against their schemas, patterns as Go compiles them,
 * webhook client configs beyond being present.
 */
import { nameProblems } from "./validation.js";
import { errorText, type FieldError } from "./status.js";
import { junctorErrors } from "./crd-structural-junctors.js";
import { ruleDefinitionErrors } from "./crd-cel-definition.js";
import { embeddedTypeRule, resourceErrors } from "./crd-structural-resources.js";
import { openAPIRuleErrors } from "./crd-openapi-rules.js";

type Obj = Record<string, any>;

const APPROVAL = "api-approved.kubernetes.io";
const COLUMN_TYPES = "boolean,date,integer,number,string";
const COLUMN_FORMATS = "byte,date,date-time,double,float,int32,int64,password";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Whether `group` is protected (k8s.io, kubernetes.io and their subdomains). */
function protectedGroup(group: string): boolean {
  return ["k8s.io", "kubernetes.io"].some((d) => group === d || group.endsWith(`.${d}`));
}

function kindErrors(value: unknown, field: string): FieldError[] {
  const problems = nameProblems(String(value).toLowerCase(), "dns1035");
  return problems.length ? [{ type: "Invalid", field, value, detail: `may have mixed case, but should otherwise match: ${problems.join(",")}` }] : [];
}

function dns1035(value: unknown, field: string): FieldError[] {
  const problems = nameProblems(String(value), "dns1035");
  return problems.length ? [{ type: "Invalid", field, value, detail: problems.join(",") }] : [];
}

/**
 * validateCustomResourceDefinitionOpenAPISchema's list-type rules, walked over the schema: a
 * known `x-kubernetes-list-type`, map keys only on a `map` list, and a `map` list's keys and
 * object items.
 */
function listTypeErrors(schema: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (s: Obj, path: string) => {
    const type = s["x-kubernetes-list-type"];
    const keys = s["x-kubernetes-list-map-keys"];
    if (type !== undefined && type !== "atomic" && type !== "set" && type !== "map") errors.push({ type: "NotSupported", field: `${path}.x-kubernetes-list-type`, value: type, supported: ["atomic", "set", "map"] });
    if (Array.isArray(keys) && keys.length > 0) {
      if (type === undefined) errors.push({ type: "Required", field: `${path}.x-kubernetes-list-type`, detail: "must be map if x-kubernetes-list-map-keys is non-empty" });
      else if (type !== "map") errors.push({ type: "Invalid", field: `${path}.x-kubernetes-list-type`, value: type, detail: "must be map if x-kubernetes-list-map-keys is non-empty" });
    }
    if (type === "map") {
      if (!Array.isArray(keys) || keys.length === 0) errors.push({ type: "Required", field: `${path}.x-kubernetes-list-map-keys`, detail: "must not be empty if x-kubernetes-list-type is map" });
      if (s.items === undefined || s.items === null) errors.push({ type: "Required", field: `${path}.items`, detail: "must have a schema if x-kubernetes-list-type is map" });
      else if (typeof s.items === "object" && !Array.isArray(s.items) && s.items.type !== "object") errors.push({ type: "Invalid", field: `${path}.items.type`, value: s.items.type ?? "", detail: "must be object if parent array's x-kubernetes-list-type is map" });
    }
    for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, Obj>)) if (prop && typeof prop === "object") walk(prop, `${path}.properties[${name}]`);
    if (s.items && typeof s.items === "object" && !Array.isArray(s.items)) walk(s.items, `${path}.items`);
    if (s.additionalProperties && typeof s.additionalProperties === "object") walk(s.additionalProperties, `${path}.additionalProperties`);
  };
  walk(schema, at);
  return errors;
}

/**
 * A version's schema: validateStructural's errors (sorted), for what schemas get wrong most:
 * types (root `object`, every property and array item typed), embedded resources and the root's
 * metadata; then the OpenAPI schema rules (crd-openapi-rules, list types, the
 * `x-kubernetes-validations` entries' fields), as validateCustomResourceDefinitionValidation
 * appends them.
 */
function schemaErrors(schema: Obj, at: string): FieldError[] {
  return [...structuralErrors(schema, at), ...openAPIRuleErrors(schema, at), ...listTypeErrors(schema, at), ...ruleDefinitionErrors(schema, at)];
}

/** validateStructural's type rules, sorted by their text as it sorts them. */
function structuralErrors(schema: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!schema.type) errors.push({ type: "Required", field: `${at}.type`, detail: "must not be empty at the root" });
  else if (schema.type !== "object") errors.push({ type: "Invalid", field: `${at}.type`, value: schema.type, detail: "must be object at the root" });
  const walk = (s: Obj, path: string) => {
    for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, Obj>)) {
      const p = `${path}.properties[${name}]`;
      if (!prop || typeof prop !== "object") continue;
      if (!prop.type && !embeddedTypeRule(prop) && !prop["x-kubernetes-int-or-string"] && !prop["x-kubernetes-preserve-unknown-fields"]) errors.push({ type: "Required", field: `${p}.type`, detail: "must not be empty for specified object fields" });
      walk(prop, p);
    }
    // validateStructural's forbidden forms.
    if (s.$ref !== undefined) errors.push({ type: "Forbidden", field: `${path}.$ref`, detail: "$ref is not supported" });
    if (s.dependencies !== undefined) errors.push({ type: "Forbidden", field: `${path}.dependencies`, detail: "dependencies is not supported" });
    if (s.type === "null") errors.push({ type: "Forbidden", field: `${path}.type`, detail: "type cannot be set to null, use nullable as an alternative" });
    const items = s.items;
    if (Array.isArray(items) && items.length > 0) errors.push({ type: "Forbidden", field: `${path}.items`, detail: "items must be a schema object and not an array" });
    else if (s.type === "array" && (items === undefined || items === null)) errors.push({ type: "Required", field: `${path}.items`, detail: "must be specified" });
    else if (items && typeof items === "object" && !Array.isArray(items)) {
      if (!items.type && !embeddedTypeRule(items) && !items["x-kubernetes-int-or-string"] && !items["x-kubernetes-preserve-unknown-fields"]) errors.push({ type: "Required", field: `${path}.items.type`, detail: "must not be empty for specified array items" });
      walk(items, `${path}.items`);
    }
    if (s.additionalProperties && typeof s.additionalProperties === "object") walk(s.additionalProperties, `${path}.additionalProperties`);
  };
  walk(schema, at);
  errors.push(...junctorErrors(schema, at), ...resourceErrors(schema, at));
  // ValidateStructural sorts its errors by their text.
  return errors.sort((a, b) => (errorText(a) < errorText(b) ? -1 : errorText(a) > errorText(b) ? 1 : 0));
}

function columnErrors(columns: Obj[], at: string): FieldError[] {
  const errors: FieldError[] = [];
  columns.forEach((c, i) => {
    const p = `${at}[${i}]`;
    if (!c.name) errors.push({ type: "Required", field: `${p}.name` });
    if (!c.type) errors.push({ type: "Required", field: `${p}.type`, detail: `must be one of ${COLUMN_TYPES}` });
    else if (!COLUMN_TYPES.split(",").includes(c.type)) errors.push({ type: "Invalid", field: `${p}.type`, value: c.type, detail: `must be one of ${COLUMN_TYPES}` });
    if (c.format && !COLUMN_FORMATS.split(",").includes(c.format)) errors.push({ type: "Invalid", field: `${p}.format`, value: c.format, detail: `must be one of ${COLUMN_FORMATS}` });
    if (!c.jsonPath) errors.push({ type: "Required", field: `${p}.JSONPath` });
    else if (!String(c.jsonPath).startsWith(".")) errors.push({ type: "Invalid", field: `${p}.JSONPath`, value: c.jsonPath, detail: "must be a simple json path starting with ." });
  });
  return errors;
}

function scaleErrors(scale: Obj | undefined, at: string): FieldError[] {
  if (!scale) return [];
  const errors: FieldError[] = [];
  const path = (value: unknown, field: string, under: string[], detail: string) => {
    if (!value) errors.push({ type: "Required", field });
    else if (!String(value).startsWith(".")) errors.push({ type: "Invalid", field, value, detail: "must be a simple json path starting with ." });
    else if (!under.some((u) => String(value).startsWith(u))) errors.push({ type: "Invalid", field, value, detail });
  };
  path(scale.specReplicasPath, `${at}.specReplicasPath`, [".spec."], "should be a json path under .spec");
  path(scale.statusReplicasPath, `${at}.statusReplicasPath`, [".status."], "should be a json path under .status");
  const selector = scale.labelSelectorPath;
  if (selector && !String(selector).startsWith(".spec.") && !String(selector).startsWith(".status.")) {
    errors.push({ type: "Invalid", field: `${at}.labelSelectorPath`, value: selector, detail: "should be a json path under either .spec or .status" });
  }
  return errors;
}

/** The per-version fields, checked once at the top level when every version has the same (the conversion folds them). */
function versionFieldErrors(versions: Obj[]): FieldError[] {
  const errors: FieldError[] = [];
  const folded = (key: string) => versions.length > 0 && versions.every((v) => same(v[key], versions[0]![key]));
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    if (v.deprecationWarning !== undefined && !v.deprecated) errors.push({ type: "Invalid", field: `${at}.deprecationWarning`, value: v.deprecationWarning, detail: "can only be set for deprecated versions" });
    if (!folded("schema") && v.schema?.openAPIV3Schema) errors.push(...schemaErrors(v.schema.openAPIV3Schema, `${at}.schema.openAPIV3Schema`));
    if (!folded("subresources")) errors.push(...scaleErrors(v.subresources?.scale, `${at}.subresources.scale`));
    if (!folded("additionalPrinterColumns")) errors.push(...columnErrors(v.additionalPrinterColumns ?? [], `${at}.additionalPrinterColumns`));
  });
  const first = versions[0] ?? {};
  if (folded("schema") && first.schema?.openAPIV3Schema) errors.push(...schemaErrors(first.schema.openAPIV3Schema, "spec.validation.openAPIV3Schema"));
  if (folded("subresources")) errors.push(...scaleErrors(first.subresources?.scale, "spec.subresources.scale"));
  if (folded("additionalPrinterColumns")) errors.push(...columnErrors(first.additionalPrinterColumns ?? [], "spec.additionalPrinterColumns"));
  return errors;
}

function specErrors(spec: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const group = spec.group ?? "";
  if (!group) errors.push({ type: "Required", field: "spec.group" });
  else {
    const problems = nameProblems(group, "subdomain");
    if (problems.length) errors.push({ type: "Invalid", field: "spec.group", value: group, detail: problems.join(",") });
    if (!group.includes(".")) errors.push({ type: "Invalid", field: "spec.group", value: group, detail: "should be a domain with at least one dot" });
  }
  if (!spec.scope) errors.push({ type: "Required", field: "spec.scope" });
  else if (spec.scope !== "Cluster" && spec.scope !== "Namespaced") errors.push({ type: "NotSupported", field: "spec.scope", value: spec.scope, supported: ["Cluster", "Namespaced"] });
  const versions: Obj[] = Array.isArray(spec.versions) ? spec.versions : [];
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) errors.push({ type: "Required", field: `spec.versions[${i}].schema.openAPIV3Schema`, detail: "schemas are required" });
  });
  versions.forEach((v, i) => errors.push(...dns1035(v.name ?? "", `spec.versions[${i}].name`)));
  errors.push(...versionFieldErrors(versions));
  const rendered = versions.length ? `[]apiextensions.CustomResourceDefinitionVersion{...}` : "[]apiextensions.CustomResourceDefinitionVersion(nil)";
  if (new Set(versions.map((v) => v.name)).size !== versions.length) errors.push({ type: "Invalid", field: "spec.versions", rendered, detail: "must contain unique version names" });
  if (versions.filter((v) => v.storage === true).length !== 1) errors.push({ type: "Invalid", field: "spec.versions", rendered, detail: "must have exactly one version marked as storage version" });
  const names = spec.names ?? {};
  for (const key of ["plural", "singular", "kind", "listKind"]) if (!names[key]) errors.push({ type: "Required", field: `spec.names.${key}` });
  if (names.plural) errors.push(...dns1035(names.plural, "spec.names.plural"));
  if (names.singular) errors.push(...dns1035(names.singular, "spec.names.singular"));
  if (names.kind) errors.push(...kindErrors(names.kind, "spec.names.kind"));
  if (names.listKind) errors.push(...kindErrors(names.listKind, "spec.names.listKind"));
  ((names.shortNames ?? []) as unknown[]).forEach((s, i) => errors.push(...dns1035(s, `spec.names.shortNames[${i}]`)));
  if (names.kind && names.kind === names.listKind) errors.push({ type: "Invalid", field: "spec.names.listKind", value: names.listKind, detail: "kind and listKind may not be the same" });
  ((names.categories ?? []) as unknown[]).forEach((c, i) => errors.push(...dns1035(c, `spec.names.categories[${i}]`)));
  const strategy = spec.conversion?.strategy;
  if (strategy !== undefined && strategy !== "None" && strategy !== "Webhook") errors.push({ type: "NotSupported", field: "spec.conversion.strategy", value: strategy, supported: ["None", "Webhook"] });
  if (strategy === "Webhook" && !spec.conversion?.webhook?.clientConfig) errors.push({ type: "Required", field: "spec.conversion.webhookClientConfig", detail: "required when strategy is set to Webhook" });
  return errors;
}

/** ValidateCustomResourceDefinitionStoredVersions. */
function storedVersionErrors(stored: unknown, versions: Obj[]): FieldError[] {
  const list = Array.isArray(stored) ? (stored as string[]) : [];
  if (list.length === 0) return [{ type: "Invalid", field: "status.storedVersions", rendered: "[]string(nil)", detail: "must have at least one stored version" }];
  const errors: FieldError[] = [];
  for (const v of versions) {
    if (v.storage === true && !list.includes(v.name)) errors.push({ type: "Invalid", field: "status.storedVersions", rendered: `[]string{${list.map((s) => JSON.stringify(s)).join(", ")}}`, detail: `must have the storage version ${v.name}` });
  }
  list.forEach((v, i) => {
    if (versions.some((s) => s.name === v)) return;
    errors.push({ type: "Invalid", field: `status.storedVersions[${i}]`, value: v, detail: `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions` });
  });
  return errors;
}

/** The create (and update) checks, after the generic metadata ones. */
export function crdErrors(crd: Obj): FieldError[] {
  const spec = crd.spec ?? {};
  const errors: FieldError[] = [];
  const name = crd.metadata?.name;
  if (name && name !== `${spec.names?.plural}.${spec.group}`) errors.push({ type: "Invalid", field: "metadata.name", value: name, detail: 'must be spec.names.plural+"."+spec.group' });
  errors.push(...specErrors(spec));
  errors.push(...storedVersionErrors(crd.status?.storedVersions, Array.isArray(spec.versions) ? spec.versions : []));
  if (typeof spec.group === "string" && protectedGroup(spec.group)) {
    const approval = crd.metadata?.annotations?.[APPROVAL];
    const field = `metadata.annotations[${APPROVAL}]`;
    if (approval === undefined) errors.push({ type: "Required", field, detail: `protected groups must have approval annotation "${APPROVAL}", see https://github.com/kubernetes/enhancements/pull/1111` });
    else if (!/^https?:\/\/\S+$/.test(approval) && !approval.startsWith("unapproved")) {
      errors.push({ type: "Invalid", field, value: approval, detail: `protected groups must have approval annotation "${APPROVAL}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111` });
    }
  }
  if (spec.preserveUnknownFields === true) errors.push({ type: "Invalid", field: "spec.preserveUnknownFields", value: true, detail: "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead" });
  return errors;
}

/** What an update may not change: the group and plural always, scope and kind once established. */
export function crdUpdateErrors(crd: Obj, old: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const immutable = (now: unknown, before: unknown, field: string) => {
    if (!same(now, before)) errors.push({ type: "Invalid", field, value: now ?? "", detail: "field is immutable" });
  };
  const established = (old.status?.conditions ?? []).some((c: Obj) => c.type === "Established" && c.status === "True");
  if (established) {
    immutable(crd.spec?.scope, old.spec?.scope, "spec.scope");
    immutable(crd.spec?.names?.kind, old.spec?.names?.kind, "spec.names.kind");
  }
  immutable(crd.spec?.group, old.spec?.group, "spec.group");
  immutable(crd.spec?.names?.plural, old.spec?.names?.plural, "spec.names.plural");
  return errors;
}
