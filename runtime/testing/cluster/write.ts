/**
 * @module cluster/write
 * Create and update of objects with the real registry's semantics: name or generateName,
 * namespace checks (mismatch 400, missing 404, terminating 403), defaults, validation (422 with
 * causes), AlreadyExists, uid/creationTimestamp/generation, the stale-resourceVersion 409,
 * status kept apart from the main resource, no-op updates that keep the resourceVersion,
 * finalizer removal completing a pending deletion, managedFields, `dryRun=All`, and RBAC's
 * escalation checks on roles and bindings (rbac-writes).
 */
import { randomUUID } from "node:crypto";
import { fieldManager, isDryRun, type Call } from "./call.js";
import { defaultPodFields, randomSuffix } from "./defaults.js";
import { managedFieldsAfter } from "./managed-fields.js";
import { orderedMeta } from "./meta-order.js";
import { checkRbacWrite } from "./rbac-writes.js";
import { clone, type Registry } from "./registry.js";
import { apiVersionOf, storedAs, type ResourceDef, type StatusScope } from "./resources.js";
import { entryOf, type Entry } from "./store.js";
import { alreadyExists, ApiError, badRequest, conflict, failure, goStrings, invalid, notFound, plainError, STALE_OBJECT } from "./status.js";
import { finalizerErrors, validateMeta } from "./validation.js";
import { checkDeletionMetaChange, checkUidChange } from "./uid-checks.js";
import { addWarning, strategyWarnings } from "./warnings.js";
import { dedupOwnerReferences } from "./owner-references.js";
import { admitPodServiceAccount } from "./serviceaccount-admission.js";
import { admitPodPriority } from "./pod-priority.js";
import { admissionName, requireNamespace } from "./namespace-lifecycle.js";
import { admitPodSecurity } from "./pod-security/admission.js";
import { authorizeCreateOnWrite } from "./create-authorization.js";

type Obj = Record<string, any>;

/** Checks the body's namespace against the URL's and fills it in (cleared for cluster-scoped types). */
function placeInNamespace(def: ResourceDef, obj: Obj, namespace: string): void {
  if (!def.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  obj.metadata.namespace = namespace;
}

/**
 * `update` without `old`: a status update (the type's own create checks, or its status ones;
 * metadata checked as an update's). `stored`: the object an update replaces, for the checks
 * that run last (a custom resource's CEL rules), a status update's too.
 */
function validate(call: Call, def: ResourceDef, obj: Obj, old?: Obj, update = old !== undefined, stored = old, subresource?: StatusScope): void {
  // A type with status checks of its own (a custom resource's: no spec scale check) uses them alone for a status update.
  const own = update && old === undefined && def.validateStatus ? def.validateStatus(obj, stored, subresource) : [...(def.validate?.(obj, stored) ?? []), ...((old ? def.validateUpdate?.(obj, old) : def.validateCreate?.(obj)) ?? [])];
  const meta = [...validateMeta(obj.metadata, def.nameRule), ...finalizerErrors(obj.metadata.finalizers, def.finalizerRule, update)];
  const checked = def.metaCheckedAfter ? (own.length ? own : meta) : [...meta, ...own];
  const errors = def.validateLast ? [...checked, ...def.validateLast(obj, stored, checked, (text) => addWarning(call, text))] : checked;
  // The error names the stored (internal) kind: an events.k8s.io/v1 Event's is core's `Event`.
  if (errors.length) throw invalid(storedAs(def).group, def.kind, obj.metadata.name ?? "", errors);
  // rest.BeforeCreate/BeforeUpdate: the strategy's Canonicalize, once validation passed.
  def.canonicalize?.(obj);
}

/** Puts kind, apiVersion, metadata, spec-like fields, status in the real server's order. */
function ordered(def: ResourceDef, obj: Obj): Obj {
  const { kind: _k, apiVersion: _a, metadata, status, ...rest } = obj;
  const out: Obj = { kind: def.kind, apiVersion: apiVersionOf(def), metadata, ...rest };
  if (status !== undefined) out.status = status;
  return out;
}

/**
 * The managedFields after `call` writes `written` over `live` (undefined for a create);
 * `applied`: an apply's configuration.
 */
function managed(call: Call, def: ResourceDef, live: Obj | undefined, operation: "Apply" | "Update", written: Obj, applied?: Obj, subresource?: string): Obj[] {
  // ScaleHandler.ToParent times a scale writer's entry as the parent's entry for it was: none for a new one.
  const time = subresource === "scale" ? undefined : call.registry.timestamp();
  const writer = { def, manager: fieldManager(call), time, ...(subresource ? { subresource } : {}) };
  return managedFieldsAfter(writer, live, written, operation, applied) as Obj[];
}

/** The store's AlreadyExists for a name an object holds (one being deleted says so). */
function refuseTakenName(registry: Registry, def: ResourceDef, namespace: string, name: string): void {
  const existing = registry.store.get(def, namespace, name);
  if (existing) throw alreadyExists(def, name, Boolean(existing.obj.metadata?.deletionTimestamp));
}

/** names.MaxGeneratedNameLength: 63 less the 5 random characters. */
const MAX_GENERATED_NAME_LENGTH = 58;

/** names.SimpleNameGenerator: the base cut to 58 bytes, then 5 random characters. */
export function generatedName(base: string): string {
  const bytes = Buffer.from(base);
  const cut = bytes.length > MAX_GENERATED_NAME_LENGTH ? bytes.subarray(0, MAX_GENERATED_NAME_LENGTH).toString() : base;
  return `${cut}${randomSuffix()}`;
}

/**
 * Creates `obj` (decoded, of `call.def`) in `namespace`. With dryRun the object is answered,
 * not stored. `operation` is `Apply` for server-side apply's create.
 */
export function createObject(call: Call, obj: Obj, namespace: string, operation: "Apply" | "Update" = "Update"): Entry {
  return prepareCreate(call, obj, namespace, operation).commit();
}

/**
 * A write checked and made, not yet stored: `out` is what `commit()` stores (or answers, for a
 * dry run or a no-op update). The validating admission webhooks see `out` in between.
 */
export interface PreparedWrite {
  out: Obj;
  commit(): Entry;
}

/** `createObject` up to the store: every check but AlreadyExists, which `commit()` makes again. */
export function prepareCreate(call: Call, obj: Obj, namespace: string, operation: "Apply" | "Update" = "Update"): PreparedWrite {
  const { registry, def } = call;
  const dryRun = isDryRun(call);
  placeInNamespace(def, obj, namespace);
  // The handlers' dedup comes before admission and the managed fields.
  dedupOwnerReferences(call, obj);
  const meta = obj.metadata;
  // The order of the real server: admission (the namespace), then the registry's RBAC checks,
  // then the name generated.
  requireNamespace(registry, def, namespace, admissionName(meta), true);
  const isPod = def.group === "" && def.resource === "pods";
  // The field manager sees a pod as decoded and defaulted, before admission.
  const podAsDecoded = isPod && operation === "Update" ? defaultPodFields(clone(obj)) : undefined;
  if (isPod) admitPodServiceAccount(registry, obj, namespace);
  if (isPod) admitPodPriority(registry, obj);
  checkRbacWrite(call, obj);
  if (!meta.name && meta.generateName) meta.name = generatedName(meta.generateName);
  const sentVersion = meta.resourceVersion;
  for (const k of ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink"]) delete meta[k];
  const source = clone(obj);
  const uid = randomUUID();
  // The strategies' PrepareForCreate: a type with a status subresource starts from an empty
  // status (a Pod's Pending, a Service's empty loadBalancer, as the defaults then fill it), not
  // the one sent — a Node's excepted, which its kubelet creates with one.
  if (def.subresources?.includes("status") && def.resource !== "nodes") delete obj.status;
  def.defaults?.(obj, uid);
  // The field manager sees the decoded (defaulted) object, before admission and the strategy.
  const written = operation === "Apply" ? source : (podAsDecoded ?? clone(obj));
  def.allocate?.(registry, obj);
  def.prepareCreate?.(obj, registry.timestamp(), call.user);
  validate(call, def, obj);
  // rest.BeforeCreate: the strategy's warnings after validation, before storage answers AlreadyExists.
  strategyWarnings(call, obj);
  // A create through PATCH (apply) or PUT is authorized as a create before validating admission
  // (withAuthorization wraps it): the type's plugins (Priority's one default) come after.
  authorizeCreateOnWrite(call, meta.name, namespace);
  def.admit?.(call, obj, undefined, undefined);
  // The validating admission plugins (PodSecurity) on the object as it would be stored.
  admitPodSecurity(call, obj);
  // etcd3's Create refuses an object carrying a version (one read back and created again) before
  // it looks for an existing one, with an error no code makes a Status: a bare 500. A dry run's
  // storage does not look.
  if (!dryRun && call.info.verb === "create" && /^[0-9]+$/.test(String(sentVersion ?? "")) && Number(sentVersion) !== 0) {
    throw plainError("resourceVersion should not be set on objects to be created");
  }
  refuseTakenName(registry, def, namespace, meta.name);
  meta.uid = uid;
  meta.creationTimestamp = registry.timestamp();
  if (def.generation) meta.generation = 1;
  meta.managedFields = managed(call, def, undefined, operation, written, source);
  if (meta.managedFields.length === 0) delete meta.managedFields;
  // The store sets the version (a dry run has none) where the real server has it, after uid.
  if (!dryRun) meta.resourceVersion = "";
  const out = ordered(def, { ...obj, metadata: orderedMeta(meta) });
  return {
    out,
    commit() {
      if (dryRun) return entryOf(out);
      refuseTakenName(registry, def, namespace, meta.name);
      return registry.commit(def, out, "ADDED");
    },
  };
}

/**
 * JSON with every object's keys sorted: two states compare equal whatever order their keys came
 * in (a patched object's are sorted, a created one's as sent), as Go's semantic equality does.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, function sorted(_key, v: unknown) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, (v as Obj)[k]]));
  });
}

/**
 * What bumps `metadata.generation` (the strategies' PrepareForUpdate): the spec, and for some
 * kinds their annotations or labels; for a custom resource everything but metadata (its status too, when
 * no status subresource keeps it apart).
 */
function specOf(def: ResourceDef, obj: Obj): string {
  const { metadata, status, kind: _k, apiVersion: _a, ...rest } = obj;
  if (def.custom) return canonical({ ...rest, status });
  const meta = def.metadataBumpsGeneration;
  return canonical(meta ? { ...rest, [`metadata.${meta}`]: metadata?.[meta] ?? {} } : rest);
}

/**
 * The object as a no-op check compares it: without its resourceVersion and the times of its
 * managedFields entries (IgnoreManagedFieldsTimestampsTransformer). An Update owns the fields it
 * changes, so one changing nothing changes no entry (a manager new to the object gets none) and
 * the server skips the write; one that sends other managedFields (kubectl's csaupgrade patch,
 * moving client-side apply's fields to its server-side manager) changes the object.
 */
function withoutVolatile(obj: Obj): string {
  const copy = clone(obj);
  delete copy.metadata.resourceVersion;
  for (const e of copy.metadata.managedFields ?? []) delete e.time;
  return canonical(copy);
}

/** Metadata an update never changes (rest.BeforeUpdate and the stores keep the stored values). */
const IMMUTABLE_META = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"];

/** `merged`'s metadata `fields` set back to `old`'s (removed where `old` has none). */
function keepFromOld(merged: Obj, old: Obj, fields: readonly string[]): void {
  for (const k of fields) {
    if (old.metadata[k] !== undefined) merged.metadata[k] = clone(old.metadata[k]);
    else delete merged.metadata[k];
  }
}

/**
 * What an update changes: the whole object, only its status (`status` subresource; a CSR's
 * `approval` writes its conditions with a strategy of its own), or, through
 * a Namespace's `finalize` subresource, what its strategy (the call's `def`) lets it. `scale`
 * writes the whole object with the main resource's strategy (scaleUpdatedObjectInfo), recorded
 * in managedFields under subresource `scale`.
 */
export type UpdateScope = "main" | "status" | "finalize" | "scale" | "approval";

/**
 * Replaces the stored object `current` with `next` (decoded or patched): keeps what a client
 * may not change, checks the resourceVersion, validates, bumps generation, and completes a
 * deletion whose last finalizer was removed. Returns the stored (or dry-run) state.
 */
export function updateObject(call: Call, current: Entry, next: Obj, scope: UpdateScope, operation: "Apply" | "Update" = "Update", source: Obj = next): Entry {
  return prepareUpdate(call, current, next, scope, operation, source).commit();
}

/**
 * `updateObject` up to the store; `commit()` skips a no-op, answers a dry run, or stores.
 * `managedFields`: the entries the write leaves, where its field manager made them already (an
 * apply through `scale`, see scale-handler).
 */
export function prepareUpdate(call: Call, current: Entry, next: Obj, subresource: UpdateScope, operation: "Apply" | "Update" = "Update", source: Obj = next, managedFields?: Obj[]): PreparedWrite {
  const { registry, def } = call;
  const scope = subresource === "scale" ? "main" : subresource;
  const dryRun = isDryRun(call);
  const old = current.obj;
  const name = old.metadata.name;
  dedupOwnerReferences(call, next);
  if (next.metadata.name !== undefined && next.metadata.name !== name) {
    throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
  }
  placeInNamespace(def, next, old.metadata.namespace ?? "");
  const rv = next.metadata.resourceVersion;
  // Version 0 is none (ObjectResourceVersion): an unconditional update, where the type allows one.
  const stale = rv !== undefined && rv !== "" && rv !== "0" && rv !== old.metadata.resourceVersion;
  // RBAC's storages check escalation in their UpdatedObject wrapper, before the store compares versions.
  const escalationFirst = scope === "main" && def.group === "rbac.authorization.k8s.io";
  if (stale && !escalationFirst) throw conflict(def, name, STALE_OBJECT);
  // Store.Update: a PUT without a version is an unconditional update, which some strategies refuse.
  if (def.conditionalUpdate && call.info.verb === "update" && (rv === undefined || rv === "" || rv === "0")) {
    throw invalid(def.group, def.resource, name, [{ type: "Invalid", field: "metadata.resourceVersion", rendered: "0x0", detail: "must be specified for an update" }]);
  }
  checkUidChange(call, next, old, scope);
  if (scope === "main") checkDeletionMetaChange(call, next, old);
  let merged: Obj;
  if (scope === "status" || scope === "approval") {
    // A built-in type's status strategy resets the spec (and a few metadata fields) and takes
    // the rest of the metadata; a custom resource's keeps the whole stored object but its status.
    merged = def.custom ? clone(old) : { ...clone(old), metadata: clone(next.metadata) };
    if (!def.custom) keepFromOld(merged, old, [...IMMUTABLE_META, ...(def.statusKeepsMetadata ?? [])]);
    if (next.status !== undefined) merged.status = next.status;
    else delete merged.status;
    def.prepareStatusUpdate?.(merged, old, scope, registry.timestamp());
  } else {
    merged = clone(next);
    const hasStatus = def.subresources.includes("status");
    if (hasStatus) {
      if (old.status !== undefined) merged.status = clone(old.status);
      else delete merged.status;
    }
    keepFromOld(merged, old, IMMUTABLE_META);
    def.prepareUpdate?.(merged, old);
    def.defaults?.(merged, old.metadata.uid);
    def.allocate?.(registry, merged, old);
  }
  merged.metadata.name = name;
  // RBAC compares the object as sent (managedFields as the field manager made them) with the stored one.
  // The managedFields only when the check reads them (an RBAC write by someone not privileged).
  if (scope === "main") {
    checkRbacWrite(call, merged, old, {
      metadata: next.metadata,
      get managedFields() {
        return managed(call, def, old, operation, merged, source);
      },
    });
  }
  if (stale) throw conflict(def, name, STALE_OBJECT);
  if (old.metadata.deletionTimestamp && scope !== "finalize") {
    const added = (merged.metadata.finalizers ?? []).filter((f: string) => !(old.metadata.finalizers ?? []).includes(f));
    if (added.length) {
      throw invalid(def.group, def.kind, name, [{ type: "Forbidden", field: "metadata.finalizers", detail: `no new finalizers can be added if the object is being deleted, found new finalizers ${goStrings(added)}` }]);
    }
  }
  validate(call, def, merged, scope === "status" || scope === "approval" ? undefined : old, true, old, scope === "approval" ? scope : "status");
  // The type's validating admission plugins, once the strategy validated the write.
  def.admit?.(call, merged, old, scope);
  strategyWarnings(call, merged, old);
  admitPodSecurity(call, merged, old);
  if (def.generation && scope === "main" && old.metadata.generation !== undefined && specOf(def, merged) !== specOf(def, old)) merged.metadata.generation = old.metadata.generation + 1;
  if (Array.isArray(merged.metadata.finalizers) && merged.metadata.finalizers.length === 0) delete merged.metadata.finalizers;
  merged.metadata.resourceVersion = old.metadata.resourceVersion;
  merged.metadata.managedFields = managedFields ?? managed(call, def, old, operation, merged, source, subresource === "main" ? undefined : subresource);
  if (merged.metadata.managedFields.length === 0) delete merged.metadata.managedFields;
  const out = ordered(def, { ...merged, metadata: orderedMeta(merged.metadata) });
  return {
    out,
    commit() {
      if (withoutVolatile(out) === withoutVolatile(old)) return current;
      if (dryRun) return entryOf(out);
      if (out.metadata.deletionTimestamp && !out.metadata.finalizers && (def.shouldDeleteDuringUpdate?.(out) ?? true)) {
        // deleteWithoutFinalizers: the object goes; the PUT answers it as the update made it (the old resourceVersion).
        registry.removeNow(def, out);
        return entryOf(out);
      }
      return registry.commit(def, out, "MODIFIED");
    },
  };
}

/** The stored object the call names, or 404 as the real server words it. */
export function existing(call: Call, namespace: string, name: string, gr: { group: string; resource: string } = call.def): Entry {
  const entry = call.registry.store.get(call.def, namespace, name);
  if (!entry) throw notFound(gr, name);
  return entry;
}
