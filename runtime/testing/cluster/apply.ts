/**
 * @module cluster/apply
 * Server-side apply (`application/apply-patch+yaml` on the main resource or its `status`), in 1.32's order:
 * the YAML decoded into a map; the applied object's type checked as fieldmanager's
 * versionCheckManager checks it (400 `invalid object type: <group>/<version>, Kind=<kind>`,
 * nothing filled in: a missing apiVersion or kind is `/, Kind=`); the typed patch (undeclared
 * fields); a create's `uid mismatch` (uid-checks); then the name, and `metadata.managedFields
 * must be nil`. An apply to an existing object is merged, pruned and checked for conflicts by
 * `field-ownership` (structured-merge-diff's Updater.Apply over the type's `field-schema`): a
 * field another manager owns that the apply would change is a 409 unless `force=true`
 * (`apply-conflict`) — for the `kubectl` manager, unless its last-applied annotation excuses them
 * all (`last-applied`) —, fields the applier stops applying that no one else owns are removed.
 * Through `status` the apply is recorded under subresource `status`, what the status strategy
 * resets (all but status and metadata) neither owned nor conflicting, and the object must exist.
 * Through `scale` it is the Scale's (`scale-apply`).
 */
import { decodeObject, fieldManager, type Call, type Reply } from "./call.js";
import { readApplyYaml, type ApplyYaml } from "./apply-yaml.js";
import { decodeAppliedObject, type FieldValidation } from "./field-validation.js";
import { applyWithOwnership } from "./field-ownership.js";
import { applyWrite } from "./managed-fields.js";
import { existing } from "./write.js";
import { excusedByLastApplied, KUBECTL_MANAGER } from "./last-applied.js";
import { parseBool } from "./request-info.js";
import { apiVersionOf, type ResourceDef, type StatusScope } from "./resources.js";
import { badRequest } from "./status.js";
import { addWarning } from "./warnings.js";
import { checkApplyCreateUid } from "./uid-checks.js";
import { admittedCreate, admittedUpdate } from "./webhook-admission.js";

type Obj = Record<string, any>;

/**
 * Unstructured.GroupVersionKind: apiVersion and kind as strings (anything else reads as
 * empty), the apiVersion parsed by schema.ParseGroupVersion; one with more than one `/` gives
 * an empty GroupVersionKind, kind included.
 */
function appliedGvk(applied: Obj): string {
  const apiVersion = typeof applied.apiVersion === "string" ? applied.apiVersion : "";
  const kind = typeof applied.kind === "string" ? applied.kind : "";
  if (apiVersion === "" || apiVersion === "/") return `/, Kind=${kind}`;
  const slashes = apiVersion.split("/").length - 1;
  if (slashes > 1) return "/, Kind=";
  const [group, version] = slashes === 0 ? ["", apiVersion] : (apiVersion.split("/") as [string, string]);
  return `${group}/${version}, Kind=${kind}`;
}

/**
 * versionCheckManager.Apply: the applied object must be of the request's group, version and kind
 * (a subresource's: `autoscaling/v1, Kind=Scale` for scale).
 */
export function checkAppliedType(def: Pick<ResourceDef, "group" | "version" | "kind">, applied: unknown): void {
  if (applied !== null && applied !== undefined && (typeof applied !== "object" || Array.isArray(applied))) return; // decodeObject words these
  const gvk = appliedGvk((applied ?? {}) as Obj);
  if (gvk !== `${def.group}/${def.version}, Kind=${def.kind}`) throw badRequest(`invalid object type: ${gvk}`);
}

/**
 * An apply body (YAML 1.1 as go-yaml v2 reads it, JSON being YAML too: `apply-yaml`) as the
 * value it holds, the call's body replaced by its JSON; a body that is not YAML is the 400
 * `error decoding YAML: ...`. Also go-yaml's strict errors for its repeated keys.
 */
export function decodeApplyBody(call: Call): ApplyYaml {
  let read: ApplyYaml;
  try {
    read = readApplyYaml(call.body.toString("utf8"));
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
  call.body = Buffer.from(JSON.stringify(read.value ?? {}));
  return read;
}

/**
 * After the apply itself, yaml.UnmarshalStrict's errors for repeated keys as `fieldValidation`
 * asks: a warning each (Warn), the 400 `error strict decoding YAML: ...` (Strict), or nothing.
 */
export function checkRepeatedKeys(call: Call, repeatedKeys: string[], directive: FieldValidation): void {
  if (repeatedKeys.length === 0 || directive === "Ignore") return;
  if (directive === "Strict") {
    throw badRequest(`error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n${repeatedKeys.map((e) => `  ${e}`).join("\n")}`);
  }
  for (const e of repeatedKeys) addWarning(call, e);
}

/** PatchOptions.Force as the query parameter codec reads it. */
export function forced(call: Call): boolean {
  return parseBool(call.query.get("force"));
}

/**
 * Serves a server-side apply to the main resource or (`scope`) its status; `writeOptions`
 * already checked the fieldManager and gave `directive`.
 */
export async function serverSideApply(call: Call, directive: FieldValidation, scope: "main" | StatusScope = "main"): Promise<Reply> {
  const { value: applied, repeatedKeys } = decodeApplyBody(call);
  checkAppliedType(call.def, applied);
  const obj = decodeAppliedObject(call, decodeObject(call, call.def, true));
  const { namespace, name } = call.info;
  // The status store updates only (no create on apply): a missing object is its NotFound.
  const current = scope !== "main" ? existing(call, namespace, name) : call.registry.store.get(call.def, namespace, name);
  if (!current) checkApplyCreateUid(call.def, name, obj);
  // structuredMergeManager.Apply: the applied object may not carry managedFields.
  if (obj.metadata.managedFields !== undefined && obj.metadata.managedFields !== null) throw badRequest("metadata.managedFields must be nil");
  if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (!current) {
    checkRepeatedKeys(call, repeatedKeys, directive);
    obj.metadata.name = name;
    return { status: 201, body: (await admittedCreate(call, obj, namespace, "Apply")).full };
  }
  // The merge, the prune of what the applier no longer applies, and the conflicts (409 unless force).
  const writer = { def: call.def, manager: fieldManager(call), time: call.registry.timestamp(), ...(scope !== "main" ? { subresource: scope } : {}) };
  const write = applyWrite(writer, current.obj, obj);
  // lastAppliedManager: kubectl's apply may take what its client-side apply last applied.
  const excused = writer.manager === KUBECTL_MANAGER && scope === "main" ? () => excusedByLastApplied(write.type, apiVersionOf(call.def), current.obj) : undefined;
  const { object } = applyWithOwnership(write, current.obj, obj, forced(call), undefined, excused);
  checkRepeatedKeys(call, repeatedKeys, directive);
  const patched = { ...object, metadata: { ...object.metadata, managedFields: current.obj.metadata.managedFields } };
  return { status: 200, body: (await admittedUpdate(call, current, patched, scope, "Apply", obj)).full };
}
