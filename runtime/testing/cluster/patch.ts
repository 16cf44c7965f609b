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
 *   listed); `$setElementOrder/...` is accepted and ignored. Field paths are not consulted: the merge key comes from the field name.
 * - Server-side apply is the strategic merge of the applied object (see `apply`), without
 *   field ownership: fields another manager set are never reported as conflicts, and fields a
 *   manager stops applying are not removed.
 */

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

/**
 * A strategic patch's list item without its list's merge key: strategicpatch's `ErrNoMergeKey`,
 * `map: map[image:nginx] does not contain declared merge key: name` (the item as Go's `%v`
 * prints it), which no code turns into a Status: the server answers it as a bare 500.
 */
export class NoMergeKeyError extends Error {
  readonly code = "no_merge_key";
  constructor(item: Obj, key: string) {
    super(`map: ${goPrint(item)} does not contain declared merge key: ${key}`);
  }
}

/**
 * Go's `%v` of a JSON value decoded by apimachinery's util/json: maps as `map[k:v ...]` with
 * sorted keys, slices as `[a b]`, integers as int64, other numbers as `%g` (`1.5`, `1e+06`).
 */
function goPrint(value: Json): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goPrint).join(" ")}]`;
  if (isObject(value)) return `map[${Object.keys(value).sort().map((k) => `${k}:${goPrint(value[k])}`).join(" ")}]`;
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value).toString();
    const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
    const exp = Number(exponent);
    if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    return String(value);
  }
  return String(value);
}

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

function mergeList(field: string, target: Json[], patch: Json[], strict: boolean): Json[] {
  if (patch.some((p) => isObject(p) && p.$patch === "replace")) return patch.filter((p) => !(isObject(p) && p.$patch === "replace"));
  if (field === "finalizers") return [...new Set([...(target as string[]), ...(patch as string[])])];
  const key = mergeKeyOf(field, [...target, ...patch] as Obj[]);
  if (!key || !patch.every(isObject)) return patch;
  const out: Json[] = target.map((t) => structuredClone(t));
  for (const p of patch as Obj[]) {
    if (strict && !(key in p)) throw new NoMergeKeyError(p, key);
    const i = out.findIndex((t) => isObject(t) && t[key] === p[key]);
    if (p.$patch === "delete") {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMerge(out[i], p, strict);
    else out.push(strategicMerge(undefined, p, strict));
  }
  return out;
}

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
 * Strategic merge patch (simplified, see the module header); `target` is not modified.
 * `strict`: a list item without its merge key is `NoMergeKeyError` (a strategic patch request);
 * otherwise it is appended (server-side apply, which reports such items otherwise).
 */
export function strategicMerge(target: Json, patch: Json, strict = false): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === "delete") return undefined;
  if (patch.$patch === "replace") {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  const out: Obj = isObject(target) ? { ...target } : {};
  if (patch.$retainKeys !== undefined) retainKeys(out, patch);
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys" || k.startsWith("$setElementOrder/")) continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[field])) out[field] = (out[field] as Json[]).filter((x) => !(v as Json[]).includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, Array.isArray(out[k]) ? out[k] : [], v, strict);
    else if (isObject(v)) {
      const merged = strategicMerge(out[k], v, strict);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  return out;
}
