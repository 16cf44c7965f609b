/**
 * @module cluster/patch
 * The patch formats, as pure functions over JSON values:
 * - JSON merge patch (RFC 7386): objects merge, `null` deletes, everything else replaces.
 * - JSON patch (RFC 6902) is `json-patch`'s; its failures are this module's `PatchError`.
 * - Strategic merge patch, simplified: lists of objects merge by the merge key of their field
 *   name (`containers`, `initContainers`, `volumes`, `env`, `imagePullSecrets`, `resourceClaims`
 *   by `name`; `ports` by `containerPort`, or `port` for Service ports; `volumeMounts` by
 *   `mountPath`; `volumeDevices` by `devicePath`; `ownerReferences` by `uid`; `conditions` by
 *   `type`; `hostAliases` by `ip`; `topologySpreadConstraints` by `topologyKey`), `finalizers`
 *   merge as a set, every other list (tolerations included) is replaced. Directives:
 *   `$patch: delete` (list item or map), `$patch: replace` (map, or `{"$patch":"replace"}` in a
 *   list), `$deleteFromPrimitiveList/<field>`, `$retainKeys` (the map keeps only the keys
 *   listed), `$setElementOrder/<list>`. A patch request's merge lists are merged and ordered
 *   as upstream's (see `strategic-list`), its bad directives are its bare 500s. Field paths are
 *   not consulted: the merge key comes from the field name.
 * Server-side apply does not merge here: see `apply` and `field-merge`.
 */

import { badPatchType } from "./strategic-errors.js";
import { elementKind, mergeSlice, mergeWithElementOrder, type MergeItem } from "./strategic-list.js";

type Json = unknown;
type Obj = Record<string, any>;

/** A patch that cannot be applied; `status` is 422 (failed op) or 400 (malformed patch). */
export class PatchError extends Error {
  readonly code = "patch_failed";
  readonly status: 400 | 422;

  constructor(status: 400 | 422, message: string) {
    super(message);
    this.status = status;
  }
}

export { StrategicMergeError } from "./strategic-errors.js";

function isObject(v: Json): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** RFC 7386 merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Obj = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  imagePullSecrets: "name",
  resourceClaims: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  ownerReferences: "uid",
  conditions: "type",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
};

function mergeKeyOf(field: string, items: Obj[]): string | undefined {
  if (field === "ports") return items.some((i) => isObject(i) && "containerPort" in i) ? "containerPort" : "port";
  return MERGE_KEYS[field];
}

/** The merge key of a merge list of maps, "" for one of primitives (`finalizers`), undefined for a list replaced. */
function listMergeKey(field: string, items: Json[]): string | undefined {
  if (field === "finalizers") return "";
  return mergeKeyOf(field, items as Obj[]);
}

/**
 * A strategic patch request's list (strict): upstream's mergeSlice when the field is a merge
 * list whose items are of one kind (maps for a keyed list, primitives for `finalizers`), else
 * replaced by the patch's.
 */
function mergeListStrict(field: string, target: Json[], patch: Json[]): Json[] {
  const key = listMergeKey(field, [...target, ...patch]);
  const kind = elementKind(target, patch);
  if (key === undefined || kind === undefined || (kind === "map") !== (key !== "")) return patch;
  return mergeSlice(target, patch, key, strictItem);
}

const strictItem: MergeItem = (original, patch) => strategicMerge(original, patch) as Obj;

/**
 * applyRetainKeysDirective: the map keeps only the keys `$retainKeys` lists (kubectl sends it for
 * a union such as a Deployment's strategy: switching to `Recreate` drops `rollingUpdate`). Every
 * key the patch sets must be listed, and the list must be one: else the 400 of the real server.
 */
function retainKeys(out: Obj, patch: Obj): void {
  const list = patch.$retainKeys;
  const bad = () => new PatchError(400, "invalid patch format of retainKeys");
  if (!Array.isArray(list)) throw bad();
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k === "$retainKeys" || k === "$patch" || k.startsWith("$deleteFromPrimitiveList/") || k.startsWith("$setElementOrder/")) continue;
    if (!list.includes(k)) throw bad();
  }
  for (const k of Object.keys(out)) if (!list.includes(k)) delete out[k];
}

/**
 * A strategic patch request's merge (simplified, see the module header); `target` is not
 * modified. A list item without its merge key is `NoMergeKeyError`.
 */
export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === "delete") return undefined;
  if (patch.$patch === "replace") {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  // handleDirectiveInMergeMap: a map merged into a stored one takes no other directive.
  if ("$patch" in patch && isObject(target)) throw badPatchType(patch.$patch, patch);
  const out: Obj = isObject(target) ? { ...target } : {};
  if (patch.$retainKeys !== undefined) retainKeys(out, patch);
  const ordered = applyElementOrders(out, patch);
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys" || k.startsWith("$setElementOrder/") || ordered.has(k)) continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[field])) out[field] = (out[field] as Json[]).filter((x) => !(v as Json[]).includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeListStrict(k, Array.isArray(out[k]) ? out[k] : [], v);
    else if (isObject(v)) {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  return out;
}

/**
 * mergePatchIntoOriginal: each `$setElementOrder/<list>` of a merge list merges its list (when
 * the patch has one) and orders it; returns the lists done, which the rest of the merge skips.
 * One naming a list the emulator replaces is ignored.
 */
function applyElementOrders(out: Obj, patch: Obj): Set<string> {
  const done = new Set<string>();
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith("$setElementOrder/")) continue;
    const field = k.slice("$setElementOrder/".length);
    const original = out[field] ?? undefined;
    const list = field in patch ? patch[field] : undefined;
    // A list the patch deletes (null) is left to the merge below.
    if (list === null) continue;
    const items = [...(Array.isArray(original) ? original : []), ...(Array.isArray(list) ? list : []), ...(Array.isArray(order) ? order : [])];
    const key = listMergeKey(field, items);
    if (key === undefined) continue;
    const merged = mergeWithElementOrder(order, original, list, key, strictItem);
    if (merged !== undefined) out[field] = merged;
    done.add(field);
  }
  return done;
}
