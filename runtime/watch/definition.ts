/**
 * @module watch/definition
 * A function's `watch` triggers: which resource a name such as `pods` or `jobs.batch` means,
 * the checks the definition schema and its zod-free twin share, the defaults a loaded watch
 * gets, and the RBAC rules it implies (list and watch of the resource where it is watched; get
 * and patch too for a finalizer; patch of `<resource>/status` and get of the resource for a
 * `status`).
 */
import type { LoadedWatch, PermissionRule, PermissionVerb, WatchedResourceType, WatchEventName, WatchTrigger } from "../function.js";
import { RESOURCE_TYPES } from "../kube/types.js";
import type { KubeObject } from "../kube/api.js";
import { closestName } from "../edit-distance.js";

export const WATCH_EVENTS = ["ADDED", "MODIFIED", "DELETED"] as const satisfies readonly WatchEventName[];
export const DEFAULT_WATCH_CONCURRENCY = 4;
export const MAX_WATCH_CONCURRENCY = 100;
export const DEFAULT_WATCH_RETRIES = 3;
export const MAX_WATCH_RETRIES = 20;
/** A week. */
export const MAX_WATCH_RESYNC_SECONDS = 604_800;
/** A watch's name: lower case letters, digits, `-` and `.` (it defaults to `jobs.batch`). */
export const WATCH_NAME = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
export const API_VERSION = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;

/**
 * A finalizer name as the API server wants one for a custom finalizer: a qualified name with a
 * domain prefix, `example.com/cleanup` (a name without `/` draws a warning; `kubernetes` and
 * `kubernetes.io/...` are Kubernetes' own).
 */
export const FINALIZER_NAME = /^(?=.{1,253}\/)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * A condition type as metav1.Condition wants one: a qualified name, an optional DNS-subdomain
 * prefix and `/`, then letters, digits, `-`, `_` and `.` (`Ready`, `example.com/Synced`), at
 * most 316 characters.
 */
export const CONDITION_TYPE = /^(?=.{1,316}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
/** The condition type of `status: true`. */
export const DEFAULT_CONDITION = "Ready";

/** What `status` may be: `true`, or `{condition?}` with a valid condition type. */
export function isWatchStatus(v: unknown): boolean {
  if (v === true) return true;
  if (!isRecord(v) || Object.keys(v).some((k) => k !== "condition")) return false;
  return v.condition === undefined || (typeof v.condition === "string" && CONDITION_TYPE.test(v.condition));
}

/** The message for a condition type Kubernetes would refuse. */
export const CONDITION_TYPE_MESSAGE = 'must be a condition type such as "Ready" or "example.com/Synced" (letters, digits, "-", "_" and ".", starting and ending with a letter or digit, after an optional DNS-subdomain prefix and "/"; at most 316 characters)';

/** True when `name` is a finalizer a watch may own (not one of Kubernetes' own). */
export function isOwnableFinalizer(name: string): boolean {
  return FINALIZER_NAME.test(name) && !/^(?:[^/]*\.)?kubernetes\.io\//.test(name) && !name.startsWith("k8s.io/");
}

/** Built-in resources by the name a watch gives them: `pods`, `jobs.batch`, `deployments.apps`. */
const BUILT_IN: ReadonlyMap<string, WatchedResourceType> = new Map(
  Object.values(RESOURCE_TYPES).map(({ group, version, resource, namespaced, kind }) => [group ? `${resource}.${group}` : resource, { group, version, resource, namespaced, kind }]),
);

/**
 * The kind of a watched type: its own, or a built-in's (list items carry none; a watch's
 * objects get it filled in), else `""` (a custom resource's list items carry theirs).
 */
export function watchedKind(type: WatchedResourceType): string {
  return type.kind ?? BUILT_IN.get(type.group ? `${type.resource}.${type.group}` : type.resource)?.kind ?? "";
}

/** The names `resource` may be given as a string. */
export function builtInWatchNames(): string[] {
  return [...BUILT_IN.keys()];
}

/** The type a watch's `resource` names, or `undefined` for a string that names no built-in resource. */
export function watchedType(resource: WatchTrigger["resource"]): WatchedResourceType | undefined {
  return typeof resource === "string" ? BUILT_IN.get(resource) : resource;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The problems of watch entries that span fields, judged on the definition as written (whatever
 * else is wrong with it, so every problem is told at once): `namespace` on a cluster-scoped
 * resource, a built-in type given with the wrong `namespaced`, two entries with one name, two
 * entries keeping one finalizer on one resource (see `sharedFinalizerMessage`). Each
 * is `[path, message]`, the path as `issuePath` writes it (`watch.namespace`, `watch[1].name`).
 */
export function watchEntryProblems(watch: unknown): Array<[string, string]> {
  const entries = Array.isArray(watch) ? watch : [watch];
  const at = (i: number, field: string) => (Array.isArray(watch) ? `watch[${i}]` : "watch") + (field ? `.${field}` : "");
  const out: Array<[string, string]> = [];
  const names = new Map<string, number>();
  const finalizers = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const resource = entry.resource as WatchTrigger["resource"];
    const type = typeof resource === "string" ? BUILT_IN.get(resource) : isRecord(resource) && typeof resource.group === "string" && typeof resource.resource === "string" ? (resource as WatchedResourceType) : undefined;
    if (isRecord(resource) && typeof resource.group === "string" && typeof resource.resource === "string" && typeof resource.namespaced === "boolean") {
      const name = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
      const builtIn = BUILT_IN.get(name);
      if (builtIn && builtIn.namespaced !== resource.namespaced) {
        out.push([at(i, "resource.namespaced"), `${name} ${builtIn.namespaced ? "are namespaced" : "are cluster-scoped"}: write namespaced: ${builtIn.namespaced}, or just resource: "${name}"`]);
      }
    }
    if (type && type.namespaced === false && entry.namespace !== undefined) out.push([at(i, "namespace"), `${type.resource} are cluster-scoped: leave namespace out`]);
    if (type && typeof entry.finalizer === "string") {
      const key = finalizerKey(type, entry.finalizer);
      const first = finalizers.get(key);
      if (first === undefined) finalizers.set(key, i);
      else out.push([at(i, "finalizer"), sharedFinalizerMessage(entry.finalizer, type, `watch[${first}]`)]);
    }
    // A name of the wrong type is zod's to explain: no duplicate is judged for it.
    if (entry.name !== undefined && typeof entry.name !== "string") return;
    const name = typeof entry.name === "string" ? entry.name : type ? defaultName(type) : undefined;
    if (name === undefined) return;
    if (names.has(name)) out.push([Array.isArray(watch) ? `watch[${i}]` : "watch", `two entries are named "${name}": give each a distinct name`]);
    else names.set(name, i);
  });
  return out;
}

/** What identifies a finalizer on a resource: two watches may not keep the same one. */
export function finalizerKey(type: Pick<WatchedResourceType, "group" | "resource">, finalizer: string): string {
  return `${defaultName(type)} ${finalizer}`;
}

/**
 * Why two watches may not keep one finalizer on one resource: each removes it after its own
 * FINALIZE call (or when an object leaves its selectors), so an object would be let go before the
 * other watch's cleanup ran. Whatever their namespaces and selectors: an object relabelled from
 * one watch's selector to the other's is released by the one and claimed by the other.
 */
export function sharedFinalizerMessage(finalizer: string, type: Pick<WatchedResourceType, "group" | "resource">, other: string): string {
  return `the finalizer "${finalizer}" is also kept on ${defaultName(type)} by ${other}: each watch removes it after its own cleanup, letting an object go before the other's ran; give each watch a finalizer of its own`;
}

/**
 * The message for a string that names no built-in resource, with the one it likely meant: the
 * same resource in its group (`deployments` → `deployments.apps`), else the nearest name
 * (`pod` → `pods`, `Jobs.batch` → `jobs.batch`).
 */
export function unknownResourceMessage(resource: string, subresource?: string): string {
  const names = [...BUILT_IN.keys()];
  const grouped = names.filter((n) => n.startsWith(`${resource.toLowerCase()}.`));
  const meant = grouped.length === 1 ? grouped[0] : closestName(resource, names, 1);
  // An admission rule's "pod/exec" means "pods/exec": the subresource goes back on the suggestion.
  const guess = meant === undefined ? "" : `did you mean "${meant}${subresource === undefined ? "" : `/${subresource}`}"? `;
  return `names no built-in resource ("${resource}"): ${guess}${guess ? "Write" : "write"} it as RBAC names it with its group (pods, jobs.batch, deployments.apps, ...), or give {group, version, resource, namespaced} for another type`;
}

/** The name a watch gets when it gives none: its resource with the group (`jobs.batch`). */
function defaultName(type: Pick<WatchedResourceType, "group" | "resource">): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

/** A watch with its defaults; `undefined` when its resource is unknown (the schema said so first). */
export function loadWatch(w: WatchTrigger): LoadedWatch {
  const type = watchedType(w.resource)!;
  return {
    name: w.name ?? defaultName(type),
    type: { group: type.group, version: type.version, resource: type.resource, namespaced: type.namespaced },
    ...(type.namespaced && w.namespace !== undefined ? { namespace: w.namespace } : {}),
    ...(w.labelSelector !== undefined ? { labelSelector: w.labelSelector } : {}),
    ...(w.fieldSelector !== undefined ? { fieldSelector: w.fieldSelector } : {}),
    events: w.events ? [...new Set(w.events)] : [...WATCH_EVENTS],
    concurrency: w.concurrency ?? DEFAULT_WATCH_CONCURRENCY,
    retries: w.retries ?? DEFAULT_WATCH_RETRIES,
    coalesce: w.coalesce ?? false,
    generationChanges: w.generationChanges ?? false,
    ...(w.changed !== undefined ? { changed: w.changed as (object: KubeObject, previous: KubeObject) => boolean } : {}),
    ...(w.resyncSeconds !== undefined ? { resyncSeconds: w.resyncSeconds } : {}),
    ...(w.finalizer !== undefined ? { finalizer: w.finalizer } : {}),
    ...(w.status !== undefined ? { status: { condition: (w.status === true ? undefined : w.status.condition) ?? DEFAULT_CONDITION } } : {}),
  };
}

/**
 * The rules a watch needs: list and watch of its resource, in its namespace (every one for `"*"`);
 * with a `finalizer`, also get and patch (adding and removing it, reading again after a conflict);
 * with a `status`, get of the resource (reading again after a conflict) and, in a rule of its
 * own, patch of `<resource>/status` (not of the resource itself).
 * A cluster-scoped built-in needs no namespace (the manifests know its scope); another
 * cluster-scoped type is marked `"*"` so that it gets a ClusterRole.
 */
export function watchRules(w: LoadedWatch): PermissionRule[] {
  const builtIn = BUILT_IN.get(w.type.group ? `${w.type.resource}.${w.type.group}` : w.type.resource);
  const namespace = !w.type.namespaced ? (builtIn ? undefined : "*") : w.namespace;
  const where = namespace !== undefined ? { namespace } : {};
  const verbs: PermissionVerb[] = w.finalizer !== undefined ? ["get", "list", "watch", "patch"] : w.status !== undefined ? ["get", "list", "watch"] : ["list", "watch"];
  const rule: PermissionRule = { apiGroups: [w.type.group], resources: [w.type.resource], verbs, ...where };
  if (w.status === undefined) return [rule];
  return [rule, { apiGroups: [w.type.group], resources: [`${w.type.resource}/status`], verbs: ["patch"], ...where }];
}

/**
 * What to tell someone running `functions`' watches from their own machine against a real
 * cluster (`podfn dev`): each watch with a finalizer leaves it on the objects it sees, and
 * deleting one then waits for a FINALIZE call that only a running watch makes.
 *
 * @example
 * finalizerWarnings(functions); // ["backup-cleanup's watch backups.ops.example.com keeps the finalizer ops.example.com/snapshots on ..."]
 */
export function finalizerWarnings(functions: readonly { name: string; watches: readonly LoadedWatch[] }[]): string[] {
  return functions.flatMap((fn) =>
    fn.watches
      .filter((w) => w.finalizer !== undefined)
      .map((w) => `${fn.name}'s watch ${w.name} keeps the finalizer ${w.finalizer} on the objects it sees in this cluster: once this process stops, deleting one waits until a podfn runs the watch again (or the finalizer is removed: kubectl patch ... --type=json -p '[{"op":"remove","path":"/metadata/finalizers/<index>"}]')`),
  );
}