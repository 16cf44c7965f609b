/**
 * @module kube/patch-types
 * The types of what a patch sends, by patch type, so a body the server cannot take is refused by
 * the compiler: a merge patch (RFC 7386: any field, `null` deletes it, a list is replaced whole),
 * a strategic merge patch (lists of objects merged by key; its `$patch`, `$retainKeys`,
 * `$setElementOrder/…` and `$deleteFromPrimitiveList/…` directives), a JSON patch (RFC 6902
 * operations) and a server-side apply configuration (the fields the caller owns). Types only.
 */
import type { KubeObject, PatchType } from "./api.js";

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/**
 * `T` with every field optional, at every depth (list elements too). `any` and `unknown` fields
 * (embedded raw objects) stay as they are.
 *
 * @example
 * const wanted: DeepPartial<Deployment> = { spec: { replicas: 3 } };
 */
export type DeepPartial<T> = unknown extends T
  ? T
  : T extends Primitive
    ? T
    : T extends readonly (infer E)[]
      ? DeepPartial<E>[]
      : T extends object
        ? { [K in keyof T]?: DeepPartial<T[K]> }
        : T;

/**
 * A JSON merge patch of `T` (RFC 7386, `application/merge-patch+json`): any field at any depth,
 * `null` to delete one. A list is replaced whole (as the server reads a merge patch), so its
 * elements are whole objects.
 *
 * @example
 * await kube.deployments.patch("web", { metadata: { annotations: { "example.com/paused-by": null } }, spec: { replicas: 0 } });
 */
export type MergePatch<T> = unknown extends T
  ? T
  : T extends Primitive
    ? T
    : T extends readonly unknown[]
      ? T
      : T extends object
        ? { [K in keyof T]?: MergePatch<T[K]> | null }
        : T;

/** The fields of `T` that hold a list. */
type ListKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[] ? K : never }[keyof T] & string;

/** The fields of `T` that hold a list of strings, numbers or booleans. */
type PrimitiveListKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly Primitive[] ? K : never }[keyof T] & string;

/** The element type of a list type. */
type ElementOf<L> = L extends readonly (infer E)[] ? E : never;

/**
 * The directives a strategic merge patch may carry in an object of type `T`:
 * - `$patch`: `"replace"` the object (or, as a list element, the list) with the patch's,
 *   `"delete"` it (as a list element: the element with the given merge key), `"merge"` (default);
 * - `$retainKeys`: the only fields to keep (for fields with the `retainKeys` strategy, such as
 *   a Deployment's `strategy` or a volume's source);
 * - `$setElementOrder/<list>`: the order of a merged list's elements (by merge key, or values);
 * - `$deleteFromPrimitiveList/<list>`: values to remove from a merged list of strings.
 */
export type StrategicMergeDirectives<T> = {
  $patch?: "replace" | "merge" | "delete";
  $retainKeys?: (keyof T & string)[];
} & { [K in ListKeys<T> as `$setElementOrder/${K}`]?: DeepPartial<ElementOf<NonNullable<T[K]>>>[] } & {
  [K in PrimitiveListKeys<T> as `$deleteFromPrimitiveList/${K}`]?: ElementOf<NonNullable<T[K]>>[];
};

/**
 * A strategic merge patch of `T` (`application/strategic-merge-patch+json`, built-in kinds
 * only: custom resources take merge patches): any field at any depth, `null` to delete one;
 * a list of objects with a merge key (a pod's `containers` by `name`) is merged element by
 * element, so its elements are partial; the directives of `StrategicMergeDirectives` at any level.
 *
 * @example
 * await kube.deployments.patch("web", { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } } }, { type: "strategic" });
 * await kube.deployments.patch("web", { spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } }, { type: "strategic" });
 */
export type StrategicMergePatch<T> = unknown extends T
  ? T
  : T extends Primitive
    ? T
    : T extends readonly (infer E)[]
      ? (E extends Primitive ? E : StrategicMergePatch<E>)[]
      : T extends object
        ? { [K in keyof T]?: StrategicMergePatch<T[K]> | null } & StrategicMergeDirectives<T>
        : T;

/**
 * A JSON Pointer (RFC 6901) into the object: `""` for the whole of it, else `/`-separated keys
 * and list indexes (`-` past a list's end, for `add`), a `/` in a key written `~1` and a `~` `~0`.
 *
 * @example
 * const annotation: JsonPointer = "/metadata/annotations/example.com~1owner";
 */
export type JsonPointer = "" | `/${string}`;

/**
 * One operation of a JSON patch (RFC 6902, `application/json-patch+json`). The server applies
 * them in order and writes nothing if one fails (a `test` that does not match, a `remove` of
 * what is not there).
 *
 * @example
 * const ops: JsonPatchOperation[] = [
 *   { op: "test", path: "/spec/replicas", value: 3 },
 *   { op: "replace", path: "/spec/replicas", value: 0 },
 *   { op: "remove", path: "/metadata/finalizers/0" },
 * ];
 */
export type JsonPatchOperation =
  /** Sets `path` to `value`: a new field, or an element inserted before the index (`-`: appended). */
  | { op: "add"; path: JsonPointer; value: unknown }
  /** Removes what `path` names (it must exist). */
  | { op: "remove"; path: JsonPointer }
  /** Replaces what `path` names (it must exist) with `value`. */
  | { op: "replace"; path: JsonPointer; value: unknown }
  /** Removes what `from` names and adds it at `path`. */
  | { op: "move"; from: JsonPointer; path: JsonPointer }
  /** Adds a copy of what `from` names at `path`. */
  | { op: "copy"; from: JsonPointer; path: JsonPointer }
  /** Fails the whole patch unless what `path` names equals `value`. */
  | { op: "test"; path: JsonPointer; value: unknown };

/**
 * What `apply()` sends: the fields the caller owns (server-side apply), at any depth, with
 * `metadata.name`. `apiVersion` and `kind` are filled in from the resource when missing.
 *
 * @example
 * await kube.deployments.apply({ metadata: { name: "web" }, spec: { replicas: 3 } });
 */
export type ApplyConfiguration<T extends KubeObject> = DeepPartial<Omit<T, "apiVersion" | "kind" | "metadata">> & {
  apiVersion?: T["apiVersion"];
  kind?: T["kind"];
  metadata: DeepPartial<NonNullable<T["metadata"]>> & { name: string };
};

/**
 * The body of `patch(name, body, { type: "apply" })`: a server-side apply configuration as
 * sent, so with its `apiVersion` and `kind` (the server refuses one without them: `invalid
 * object type`); the name is the one patched. `apply(object)` fills both in.
 */
export type ApplyPatch<T extends KubeObject> = DeepPartial<Omit<T, "apiVersion" | "kind">> & {
  apiVersion: NonNullable<T["apiVersion"]>;
  kind: NonNullable<T["kind"]>;
};

/**
 * The body a patch of type `P` sends to an object of type `T`.
 *
 * @example
 * const body: PatchBody<Deployment, "json"> = [{ op: "replace", path: "/spec/replicas", value: 0 }];
 */
export type PatchBody<T extends KubeObject, P extends PatchType> = {
  merge: MergePatch<T>;
  strategic: StrategicMergePatch<T>;
  json: JsonPatchOperation[];
  apply: ApplyPatch<T>;
}[P];
