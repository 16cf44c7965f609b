/**
 * @module cluster/crd-types
 * The resource types an established CustomResourceDefinition serves: one per served version,
 * named by the CRD's accepted names, with the subresources, printer columns, selectable fields
 * and schema that version declares. Every version reads and writes one table (the CRD's storage
 * type, kept per CRD across its updates so watches and stored objects stay attached to it):
 * conversion is strategy `None`, so a version's object is the stored one with its `apiVersion`.
 */
import { applyDefaults, pruneUnknown } from "./crd-schema.js";
import { storageVersionOf } from "./crd-strategy.js";
import { apiVersionOf, customResource, type PrinterColumn, type ResourceDef, type StorageVersion, type Subresource } from "./resources.js";

type Obj = Record<string, any>;

/** The served types of one CRD and the storage type they share. */
export interface CrdTypes {
  storage: ResourceDef;
  served: ResourceDef[];
  /** The CRD's spec and accepted names they were built from (a change tears the storage down). */
  from: string;
}

/**
 * What a CRD's served storage depends on: its spec and accepted names (crdHandler's crdInfo),
 * compared as Semantic.DeepEqual compares them (whatever order their keys were written in).
 */
export function servingSignature(crd: Obj): string {
  return JSON.stringify([crd.spec ?? null, crd.status?.acceptedNames ?? null], (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Obj)[k]])) : v,
  );
}

/** `.spec.color` → `spec.color` (a selectable field's label). */
function fieldLabel(jsonPath: string): string {
  return jsonPath.replace(/^\./, "");
}

function subresourcesOf(version: Obj): Subresource[] {
  const out: Subresource[] = [];
  if (version.subresources?.scale) out.push("scale");
  if (version.subresources?.status) out.push("status");
  return out;
}

function typeOf(crd: Obj, version: Obj, storage?: StorageVersion): ResourceDef {
  const names = crd.status?.acceptedNames ?? {};
  const scale = version.subresources?.scale;
  return customResource({
    group: crd.spec.group,
    version: version.name,
    resource: names.plural,
    kind: names.kind,
    singular: names.singular || String(names.kind).toLowerCase(),
    namespaced: crd.spec.scope === "Namespaced",
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    subresources: subresourcesOf(version),
    selectableFields: (version.selectableFields ?? []).map((f: Obj) => fieldLabel(String(f.jsonPath))),
    ...(storage ? { storage } : {}),
    crd: {
      name: crd.metadata.name,
      ...(names.listKind ? { listKind: String(names.listKind) } : {}),
      columns: (version.additionalPrinterColumns ?? []) as PrinterColumn[],
      ...(version.schema?.openAPIV3Schema ? { schema: version.schema.openAPIV3Schema } : {}),
      ...(scale ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } } : {}),
    },
  });
}

/**
 * Converts between a served version and the stored one: with strategy `None`, only `apiVersion`
 * changes; an object read is pruned and defaulted by the version's schema, as the storage
 * codec's schema coercer and defaulter do (a default added later shows on older objects).
 */
function conversion(storage: ResourceDef, group: string, version: Obj): StorageVersion {
  const schema = version.schema?.openAPIV3Schema;
  return {
    def: storage,
    toStorage: (o) => ({ ...o, apiVersion: apiVersionOf(storage) }),
    fromStorage(o) {
      const out = { ...o, apiVersion: apiVersionOf({ group, version: version.name }) };
      if (!schema) return out;
      const copy = structuredClone(out);
      pruneUnknown(schema, copy);
      applyDefaults(schema, copy);
      return copy;
    },
  };
}

/**
 * The types `crd` serves. `previous` is its storage type from an earlier state, reused (its
 * version brought up to date) so the table and watches of its objects stay the same.
 */
export function crdTypes(crd: Obj, previous?: ResourceDef): CrdTypes {
  const storageVersion = storageVersionOf(crd) ?? crd.spec.versions[0];
  const fresh = typeOf(crd, storageVersion);
  const storage = previous ? Object.assign(previous, fresh) : fresh;
  const served = (crd.spec.versions as Obj[]).filter((v) => v.served).map((v) => typeOf(crd, v, conversion(storage, crd.spec.group, v)));
  return { storage, served, from: servingSignature(crd) };
}
