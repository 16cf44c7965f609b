/**
 * @module watch/object-types
 * Types only: the object type a watch's `resource` names, for a handler's `trigger.object`, and
 * the name its calls carry, for `trigger.watch`. A built-in resource's name (`"jobs.batch"`) maps
 * to its `kubernetes-types` type (`Job`) through one table, `BuiltInObjectTypes`, derived from the
 * client's own: the names are those `RESOURCE_TYPES` gives (as `watch/definition.ts` names them
 * at run time), each typed as its `KubeClient` accessor's objects. A typed descriptor
 * (`ResourceType<Backup>`) gives its type; anything else is a `KubeObject`. `WatchEntriesOf`
 * pairs each entry's name with its type, so that checking `trigger.watch` narrows
 * `trigger.object`.
 */
import type { KubeClient, KubeObject, ResourceClient, ResourceType } from "../kube/api.js";
import type { RESOURCE_TYPES } from "../kube/types.js";

type BuiltIn = typeof RESOURCE_TYPES;

/** The name a watch gives the built-in resource keyed `K` on `KubeClient`: `pods`, `jobs.batch`. */
type WatchNameOf<K extends keyof BuiltIn> = BuiltIn[K]["group"] extends "" ? BuiltIn[K]["resource"] : `${BuiltIn[K]["resource"]}.${BuiltIn[K]["group"]}`;

/**
 * The `kubernetes-types` type of each built-in resource, by the name a watch gives it (every
 * name `watch: { resource }` accepts as a string): `BuiltInObjectTypes["jobs.batch"]` is `Job`,
 * `["pods"]` `Pod`, `["events"]` core/v1's `Event`, `["events.events.k8s.io"]` events/v1's.
 *
 * @example
 * type Lease = BuiltInObjectTypes["leases.coordination.k8s.io"];
 */
export type BuiltInObjectTypes = {
  [K in keyof BuiltIn as WatchNameOf<K>]: KubeClient[K] extends ResourceClient<infer T> ? T : never;
};

/** A name `watch: { resource }` accepts as a string: `"pods"`, `"jobs.batch"`, `"deployments.apps"`, ... */
export type BuiltInWatchName = keyof BuiltInObjectTypes;

/**
 * The type of the objects a watch's `resource` names: a built-in resource's by its name
 * (`"deployments.apps"`: `Deployment`), a typed descriptor's (`ResourceType<Backup>`: `Backup`),
 * else `KubeObject` (a name only known at run time, an untyped `{group, version, ...}`).
 * Distributes over a union.
 *
 * @example
 * type D = WatchedObjectType<"deployments.apps">; // Deployment
 */
export type WatchedObjectType<R> = R extends BuiltInWatchName
  ? BuiltInObjectTypes[R]
  : R extends ResourceType<infer T extends KubeObject>
    ? T
    : KubeObject;

/**
 * The `resource` of a definition's watches as `defineFunction` infers it: `R` for a single
 * entry, `RS` (a tuple) for an array of them. A tuple `RS` means the array (`R` is then its
 * default); otherwise `R` (a single entry; or, uninferred, the default: no watch, or an array
 * whose entries are not known one by one).
 */
export type WatchedObjectOf<R, RS extends readonly unknown[]> = number extends RS["length"] ? WatchedObjectType<R> : [RS[number]] extends [never] ? KubeObject : WatchedObjectType<RS[number]>;

/**
 * One watch entry as its calls see it: the name they carry (`trigger.watch`) and the type of
 * their objects (`trigger.object`). A function's watches are a union of these, one per entry.
 *
 * @example
 * type Sources = WatchEntryType<"sources", ConfigMap>;
 */
export interface WatchEntryType<Name extends string = string, Obj extends KubeObject = KubeObject> {
  watch: Name;
  object: Obj;
}

/**
 * The name a watch without `name` carries, as `watch/definition.ts` gives it at run time: a
 * string resource as written (`"pods"`, `"jobs.batch"`); `{group, resource, ...}` as
 * `<resource>.<group>` (`<resource>` for the core group `""`) when both are literal types, else
 * `string` (a `ResourceType<Backup>` declares them as `string`).
 */
export type DefaultWatchName<R> = R extends string
  ? R
  : R extends { group: infer G extends string; resource: infer N extends string }
    ? string extends G | N
      ? string
      : G extends ""
        ? N
        : `${N}.${G}`
    : string;

/**
 * The name the calls of a watch entry carry: its `name` `N` as written (`string` when it is no
 * literal), or, when it has none (`N` uninferred: `unknown` or `undefined`), `DefaultWatchName<R>`.
 */
export type WatchEntryName<R, N> = 0 extends 1 & N ? string : unknown extends N ? DefaultWatchName<R> : N extends string ? N : DefaultWatchName<R>;

/**
 * A definition's watches as `defineFunction` infers them, one `WatchEntryType` per entry: a
 * single entry's from `R` (its `resource`) and `N` (its `name`), an array's from the tuples `RS`
 * and `NS` (their entries' resources and names, index by index), chosen as `WatchedObjectOf`
 * chooses. No watch, or an array whose entries are not known one by one: a `string` name and
 * the `WatchedObjectOf` type.
 */
export type WatchEntriesOf<R, N, RS extends readonly unknown[], NS extends readonly unknown[]> = number extends RS["length"]
  ? WatchEntryType<WatchEntryName<R, N>, WatchedObjectType<R>>
  : [RS[number]] extends [never]
    ? WatchEntryType<string, KubeObject>
    : { [I in keyof RS]: WatchEntryType<WatchEntryName<RS[I], I extends keyof NS ? NS[I] : unknown>, WatchedObjectType<RS[I]>> }[number];
