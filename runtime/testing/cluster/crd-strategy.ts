/**
 * @module cluster/crd-strategy
 * The CustomResourceDefinition type's registry hooks, as apiextensions' v1 defaults and
 * strategy.go have them: defaults (`singular`, `listKind`, conversion `None`, a webhook
 * service's port), the status reset on create with the storage version recorded in
 * `storedVersions` (on update too), and validation (crd-validation.ts).
 */
type Obj = Record<string, any>;

/** The version marked `storage` (validation guarantees exactly one). */
export function storageVersionOf(crd: Obj): Obj | undefined {
  return (crd.spec?.versions ?? []).find((v: Obj) => v.storage === true);
}

/** SetDefaults_CustomResourceDefinitionSpec (and SetDefaults_ServiceReference). */
export function defaultCrd(crd: Obj): void {
  const spec = crd.spec;
  if (!spec || typeof spec !== "object") return;
  const names = spec.names;
  if (names && typeof names === "object") {
    if (!names.singular && typeof names.kind === "string") names.singular = names.kind.toLowerCase();
    if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  }
  spec.conversion ??= { strategy: "None" };
  const service = spec.conversion?.webhook?.clientConfig?.service;
  if (service && typeof service === "object") service.port ??= 443;
}

/** The storage version appended to `status.storedVersions` when it is not there yet (strategy.go). */
function recordStorageVersion(crd: Obj): void {
  const storage = storageVersionOf(crd);
  if (!storage) return;
  crd.status ??= {};
  const stored: string[] = (crd.status.storedVersions ??= []);
  if (!stored.includes(storage.name)) stored.push(storage.name);
}

/** PrepareForCreate: a new CRD starts with an empty status, but the storage version. */
export function prepareCrdCreate(crd: Obj): void {
  crd.status = { conditions: null, acceptedNames: { plural: "", kind: "" }, storedVersions: [] };
  recordStorageVersion(crd);
  if (crd.status.storedVersions.length === 0) crd.status.storedVersions = null;
}

/** PrepareForUpdate, once the stored status is put back: a new storage version is recorded. */
export function prepareCrdUpdate(crd: Obj): void {
  recordStorageVersion(crd);
}
