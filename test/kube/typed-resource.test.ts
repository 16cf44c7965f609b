/**
 * A typed descriptor, `ResourceType<T>`: `kube.resource(WIDGETS)` is a client of `Widget`s with
 * no type argument (its bodies checked against `Widget`), a type argument the descriptor's type
 * does not fit is refused, and the existing forms (a type argument with a plain object, or
 * neither) still compile. At run time the descriptor is the plain object written. The
 * `@ts-expect-error` lines are checked by `npx tsc --noEmit` (the first step of `npm test`):
 * each must be a type error, or the compile fails.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { KubeClient, KubeObject, ResourceClient, ResourceType } from "../../runtime/kube/api.js";
import { clusterForFile } from "../helpers/cluster-clients.js";

/** A custom resource's objects, as a function author would declare them. */
interface Widget extends KubeObject {
  spec: { size: number };
}

const WIDGETS: ResourceType<Widget> = { group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true };

const { cluster, client } = clusterForFile("default");

test("kube.resource(a typed descriptor) calls the resource the plain object names", async () => {
  cluster().createResourceType({ group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
  const kube = await client();
  const widgets = kube.resource(WIDGETS);
  assert.deepEqual(widgets.type, { group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
  const created = await widgets.create({ metadata: { name: "w1" }, spec: { size: 1 } });
  assert.equal(created.kind, "Widget", "the descriptor's kind filled in");
  const patched = await widgets.patch("w1", { spec: { size: 2 } });
  assert.equal(patched.spec.size, 2);
});

/** `true` when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Never called: the lines with `satisfies true` must compile, each after `@ts-expect-error` must not. */
export function typeChecks(kube: KubeClient): void {
  const widgets = kube.resource(WIDGETS);
  true satisfies Equal<typeof widgets, ResourceClient<Widget>>;
  void widgets.get("w1").then((widget) => widget.spec.size satisfies number);
  // @ts-expect-error: bodies are checked against Widget
  void widgets.create({ metadata: { name: "w2" }, spec: { size: "large" } });
  // @ts-expect-error: so are patches
  void widgets.patch("w1", { spec: { colour: "red" } });
  // @ts-expect-error: a type argument the descriptor's type does not fit
  kube.resource<Pod>(WIDGETS);
  // A wider one is fine.
  kube.resource<KubeObject>(WIDGETS);
  // @ts-expect-error: a descriptor needs its kind (kube.resource fills it into what it creates)
  const noKind: ResourceType<Widget> = { group: "example.com", version: "v1", resource: "widgets", namespaced: true };
  void noKind;

  // The existing forms: a type argument with a plain object, or neither (KubeObject).
  const byArgument = kube.resource<Widget>({ group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
  true satisfies Equal<typeof byArgument, ResourceClient<Widget>>;
  const plain = kube.resource({ group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
  true satisfies Equal<typeof plain, ResourceClient<KubeObject>>;
  // A built-in type from RESOURCE_TYPES, or a ResourceType variable: untyped as before.
  const type: ResourceType = WIDGETS;
  void kube.resource(type);
}
