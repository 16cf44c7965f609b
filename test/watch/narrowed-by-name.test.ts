/**
 * A watch call's `trigger.watch` narrows `trigger.object`: the trigger is one member per watch
 * entry, its `watch` the name the call carries at run time (the entry's `name`, else its resource
 * as written, `<resource>.<group>` for a `{group, resource}` known literally) and its `object`
 * that entry's type. A name known only as a `string` (a variable; a descriptor whose group is a
 * `string`) stays in every branch. The `@ts-expect-error` lines are checked by `npx tsc
 * --noEmit` (the first step of `npm test`): each must be a type error, or the compile fails.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { z } from "zod";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { ConfigMap, Namespace, Pod } from "kubernetes-types/core/v1.js";
import { defineFunction, type FunctionContext, type KubeObject, type PodfnFunction, type ResourceType, type Trigger, type WatchEntryType } from "../../runtime/index.js";
import { loadDefinition } from "../../runtime/testing/typed-calls.js";

interface Backup extends KubeObject {
  spec: { target: string };
}

/** A typed descriptor: its group and resource are `string`s, so its default name is no literal. */
const BACKUPS: ResourceType<Backup> = { group: "ops.example.com", version: "v1", resource: "backups", kind: "Backup", namespaced: true };

/** `true` when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** The `trigger.watch` a definition's watch calls carry, as its type says. */
type WatchNames<F> = F extends PodfnFunction<z.ZodType, unknown, KubeObject, infer W> ? W["watch"] : never;

/** Two named entries, two unnamed built-ins and an unnamed custom resource written in place. */
const replicate = defineFunction({
  name: "replicate",
  watch: [
    { name: "sources", resource: "configmaps", namespace: "config", labelSelector: "replicate=true" },
    { name: "namespaces", resource: "namespaces", labelSelector: "config-replica=true" },
    { resource: "pods" },
    { resource: "jobs.batch" },
    { resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true } },
    { resource: { group: "", version: "v1", resource: "secrets", namespaced: true } },
  ],
  handler() {},
});

test("the names the types give a definition's watches are those its calls carry at run time", () => {
  const names = ["sources", "namespaces", "pods", "jobs.batch", "backups.ops.example.com", "secrets"] as const;
  true satisfies Equal<WatchNames<typeof replicate>, (typeof names)[number]>;
  assert.deepEqual(
    loadDefinition(replicate).watches.map((w) => w.name),
    names,
  );
  const typed = defineFunction({ name: "typed", watch: [{ resource: BACKUPS }, { resource: "pods" }], handler() {} });
  true satisfies Equal<WatchNames<typeof typed>, string>;
  assert.deepEqual(
    loadDefinition(typed).watches.map((w) => w.name),
    ["backups.ops.example.com", "pods"],
  );
});

/** Never called: the lines with `satisfies true` must compile, each after `@ts-expect-error` must not. */
export function typeChecks(names: string[]): void {
  // Two named entries: each name narrows to its entry's type.
  defineFunction({
    name: "two-named",
    watch: [
      { name: "sources", resource: "configmaps", namespace: "config", labelSelector: "replicate=true" },
      { name: "namespaces", resource: "namespaces", labelSelector: "config-replica=true" },
    ],
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      true satisfies Equal<typeof trigger.watch, "sources" | "namespaces">;
      true satisfies Equal<typeof trigger.object, ConfigMap | Namespace>;
      if (trigger.watch === "namespaces") true satisfies Equal<typeof trigger.object, Namespace>;
      else true satisfies Equal<typeof trigger.object, ConfigMap>;
      switch (trigger.watch) {
        case "sources":
          return trigger.object.data satisfies ConfigMap["data"];
        case "namespaces":
          return trigger.object.status?.phase;
        // @ts-expect-error: no entry is named so
        case "nope":
          return;
      }
    },
  });

  // No entry is named "nope", and every name is a literal: the comparison is an error (no overlap).
  defineFunction({
    name: "wrong-name",
    watch: [{ name: "sources", resource: "configmaps" }, { resource: "pods" }],
    handler({ trigger }) {
      // @ts-expect-error: "sources" | "pods" and "nope" have no overlap
      if (trigger.type === "watch" && trigger.watch === "nope") return;
    },
  });

  // An unnamed string resource is named by the resource as written.
  defineFunction({
    name: "unnamed",
    watch: [{ resource: "pods" }, { resource: "jobs.batch", name: "jobs" }],
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      true satisfies Equal<typeof trigger.watch, "pods" | "jobs">;
      if (trigger.watch === "pods") true satisfies Equal<typeof trigger.object, Pod>;
      else true satisfies Equal<typeof trigger.object, Job>;
    },
  });

  // An unnamed typed descriptor's name is only a string: comparing with another entry's name
  // keeps it (it might be the one), and the comparison is no error.
  defineFunction({
    name: "unnamed-object",
    watch: [{ resource: BACKUPS }, { resource: "pods" }],
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      true satisfies Equal<typeof trigger.watch, string>;
      if (trigger.watch === "pods") true satisfies Equal<typeof trigger.object, Pod | Backup>;
      if (trigger.watch === "backups.ops.example.com") true satisfies Equal<typeof trigger.object, Backup>;
    },
  });

  // A name in a string variable is a string too.
  defineFunction({
    name: "variable-name",
    watch: [{ resource: "pods", name: names[0]! }, { resource: "configmaps", name: "cms" }],
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      if (trigger.watch === "cms") true satisfies Equal<typeof trigger.object, Pod | ConfigMap>;
    },
  });

  // A single entry: named by its name, else its resource.
  defineFunction({
    name: "single",
    watch: { resource: "pods", events: ["ADDED"], changed: (pod, before) => pod.status?.phase !== before.status?.phase },
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      true satisfies Equal<typeof trigger.watch, "pods">;
      true satisfies Equal<typeof trigger.object, Pod>;
      // @ts-expect-error: the watch is "pods"
      void (trigger.watch === "jobs.batch");
    },
  });
  defineFunction({
    name: "single-named",
    watch: { resource: "jobs.batch", name: "jobs" },
    handler({ trigger }) {
      if (trigger.type === "watch") true satisfies Equal<typeof trigger.watch, "jobs">;
    },
  });
  // A `changed` is still typed by its own entry, named or not.
  defineFunction({
    name: "changed-per-entry",
    watch: [
      { resource: "configmaps", name: "sources", changed: (cm, before) => cm.data?.v !== before.data?.v },
      // @ts-expect-error: a Namespace has no `data`
      { resource: "namespaces", name: "namespaces", changed: (ns) => ns.data !== undefined },
    ],
    handler() {},
  });
  // @ts-expect-error: a name is a string
  defineFunction({ name: "numeric-name", watch: [{ resource: "pods", name: 3 }], handler() {} });
  // @ts-expect-error: an entry without a resource is refused, named or not
  defineFunction({ name: "no-resource", watch: [{ name: "pods" }], handler() {} });

  // Helpers annotated with FunctionContext<Input, O> or Trigger<O> take the narrowed context as before.
  const helper = (ctx: FunctionContext<Record<string, never>, ConfigMap | Namespace>) => ctx.trigger;
  const onTrigger = (trigger: Trigger<ConfigMap | Namespace>) => (trigger.type === "watch" ? trigger.watch : undefined);
  defineFunction({
    name: "helpers",
    watch: [{ name: "sources", resource: "configmaps" }, { name: "namespaces", resource: "namespaces" }],
    handler(ctx) {
      helper(ctx);
      onTrigger(ctx.trigger);
    },
  });
  const wide: Trigger<Job> = { type: "watch", watch: "anything", event: "ADDED", object: {} };
  if (wide.type === "watch") true satisfies Equal<typeof wide.watch, string>;
  const named: Trigger<Pod, WatchEntryType<"pods", Pod>> = { type: "watch", watch: "pods", event: "ADDED", object: {} };
  void named;

  // Explicit type arguments keep the wide defaults: any name, a string.
  defineFunction<z.ZodObject<{}>, unknown>({
    name: "explicit",
    watch: { resource: "pods", name: "p" },
    handler({ trigger }) {
      if (trigger.type === "watch") true satisfies Equal<typeof trigger.watch, string>;
    },
  });
}
