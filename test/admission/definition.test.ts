/**
 * `admission` as the loader checks it: each problem named by its field path, the zod schema and
 * its zod-free twin agreeing on every case (the twin accepts only what zod returns unchanged),
 * the problems across fields, and the defaults a loaded webhook gets.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptsDefinition } from "../../runtime/definition-accept.js";
import { definitionZodSchema, resolveDefinition } from "../../runtime/definition-schema.js";
import { defineFunction } from "../../runtime/function.js";

const handler = () => ({ allowed: true });
const rule = { operations: ["CREATE", "UPDATE"], resource: "deployments.apps" };
const problems = (definition: Record<string, unknown>): string[] => {
  const result = resolveDefinition(defineFunction({ name: "hook", handler, ...definition } as never) as never, "hook.ts");
  return result.ok ? [] : result.problems;
};

/** [admission, the problems expected] */
const CASES: [unknown, string[]][] = [
  [{ type: "validating", rules: [rule] }, []],
  [{ type: "mutating", rules: [{ operations: ["*"], resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true, kind: "Backup" }, scope: "Namespaced" }], failurePolicy: "Ignore", timeoutSeconds: 30, sideEffects: "NoneOnDryRun", namespaceSelector: { matchLabels: { team: "a" }, matchExpressions: [{ key: "example.com/tier", operator: "In", values: ["x"] }] }, objectSelector: { matchExpressions: [{ key: "skip", operator: "DoesNotExist" }] } }, []],
  [{ type: "validating", rules: [{ ...rule, operations: ["CREATE", "UPDAT"] }] }, ["admission.rules[0].operations[1]: must be one of CREATE, UPDATE, DELETE, CONNECT, *"]],
  [{ type: "validate", rules: [rule] }, ['admission.type: must be "validating" or "mutating"']],
  [{ type: "validating", rules: [] }, ["admission.rules: list at least one rule: which operations on which resource"]],
  [{ type: "validating", rules: [{ ...rule, operations: [] }] }, ['admission.rules[0].operations: list at least one operation (or "*" for all)']],
  [{ type: "validating", rules: [rule, { operations: ["DELETE"], resource: "deployment.apps" }] }, [`admission.rules[1].resource: names no built-in resource ("deployment.apps"): did you mean "deployments.apps"? Write it as RBAC names it with its group (pods, jobs.batch, deployments.apps, ...), or give {group, version, resource, namespaced} for another type`]],
  [{ type: "validating", rules: [{ operations: ["CREATE"], resource: { group: "ops.example.com", version: "1", resource: "backups" } }] }, ['admission.rules[0].resource.version: must be an API version such as "v1" or "v1beta1"', "admission.rules[0].resource.namespaced: is required: true for a namespaced type, false for a cluster-scoped one"]],
  [{ type: "validating", rules: [rule], timeoutSeconds: 0 }, ["admission.timeoutSeconds: must be at least 1"]],
  [{ type: "validating", rules: [rule], timeoutSeconds: 31 }, ["admission.timeoutSeconds: must be at most 30 (the API server's limit)"]],
  [{ type: "validating", rules: [rule], failurePolicy: "fail" }, ['admission.failurePolicy: must be "Fail" or "Ignore"']],
  [{ type: "validating", rules: [rule], sideEffects: "Some" }, ['admission.sideEffects: must be "None" or "NoneOnDryRun" (a webhook with other side effects could not be called for dry runs)']],
  [{ type: "validating", rules: [rule], failurPolicy: "Fail" }, ['admission: unknown key "failurPolicy": did you mean "failurePolicy"?']],
  [{ type: "validating", rules: [{ ...rule, scop: "*" }] }, ['admission.rules[0]: unknown key "scop": did you mean "scope"?']],
  [{ type: "validating", rules: [rule], namespaceSelector: { matchExpressions: [{ key: "a", operator: "In" }] } }, ["admission.namespaceSelector.matchExpressions[0].values: must list at least one value for In"]],
  [{ type: "validating", rules: [rule], objectSelector: { matchLabels: { "bad key!": "x" } } }, ["admission.objectSelector.matchLabels.bad key!: must be a label key such as app or example.com/team"]],
  [{ type: "validating", rules: [{ operations: ["*"], resource: "namespaces", scope: "Namespaced" }] }, ["admission.rules[0].scope: namespaces are cluster-scoped: a Namespaced rule would match none of them; leave scope out"]],
  [{ type: "mutating", rules: [rule], matchConditions: [{ name: "not-system", expression: "!request.userInfo.username.startsWith('system:')" }, { name: "example.com/has-labels", expression: "has(object.metadata.labels)" }], reinvocationPolicy: "IfNeeded" }, []],
  [{ type: "validating", rules: [rule], matchConditions: [] }, ["admission.matchConditions: list at least one condition, or leave matchConditions out"]],
  [{ type: "validating", rules: [rule], matchConditions: [{ name: "Not System!", expression: "true" }] }, ["admission.matchConditions[0].name: must be a qualified name such as exclude-leases or example.com/skip-system (at most 63 characters after an optional DNS prefix and '/')"]],
  [{ type: "validating", rules: [rule], matchConditions: [{ name: "a", expression: "  " }] }, ["admission.matchConditions[0].expression: must be a CEL expression that evaluates to a bool"]],
  [{ type: "validating", rules: [rule], matchConditions: [{ name: "a", expresion: "true" }] }, ["admission.matchConditions[0].expression: is required: a CEL expression that evaluates to a bool", 'admission.matchConditions[0]: unknown key "expresion": did you mean "expression"?']],
  [{ type: "validating", rules: [rule], matchConditions: Array.from({ length: 65 }, (_, i) => ({ name: `c${i}`, expression: "true" })) }, ["admission.matchConditions: must have at most 64 conditions (the API server's limit)"]],
  [{ type: "validating", rules: [rule], matchConditions: [{ name: "a", expression: "true" }, { name: "a", expression: "false" }] }, ['admission.matchConditions[1].name: "a" is already the name of another condition: each needs its own']],
  [{ type: "validating", rules: [rule], reinvocationPolicy: "IfNeeded" }, ["admission.reinvocationPolicy: only a mutating webhook is called again after other webhooks' changes: leave reinvocationPolicy out of a validating one"]],
  [{ type: "mutating", rules: [rule], reinvocationPolicy: "Always" }, ['admission.reinvocationPolicy: must be "Never" or "IfNeeded"']],
  [{ type: "validating", rules: [{ operations: ["CONNECT"], resource: "pods/exec" }, { operations: ["UPDATE"], resource: "deployments.apps/scale" }, { operations: ["UPDATE"], resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true, subresource: "status" } }] }, []],
  [{ type: "validating", rules: [{ operations: ["CREATE"], resource: "pods/Exec" }] }, ['admission.rules[0].resource: the subresource after "/" must be a lower-case name such as "exec", "status" or "scale" ("pods/Exec")']],
  [{ type: "validating", rules: [{ operations: ["CONNECT"], resource: "pod/exec" }] }, [`admission.rules[0].resource: names no built-in resource ("pod"): did you mean "pods/exec"? Write it as RBAC names it with its group (pods, jobs.batch, deployments.apps, ...), or give {group, version, resource, namespaced} for another type`]],
  [{ type: "validating", rules: [{ operations: ["CREATE", "UPDATE"], resource: "pods/exec" }] }, ['admission.rules[0].operations: exec is reached by CONNECT only (kubectl exec, attach, port-forward): write operations: ["CONNECT"], or the rule matches nothing']],
  [{ type: "validating", rules: [{ operations: ["UPDATE"], resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true, subresource: "Status" } }] }, ['admission.rules[0].resource.subresource: must be a lower-case subresource name such as "status" or "scale"']],
  [{ type: "validating", rules: [{ operations: ["*"], resource: { group: "apps", version: "v1", resource: "deployments", namespaced: false } }] }, ['admission.rules[0].resource.namespaced: deployments are namespaced: write namespaced: true, or just resource: "deployments.apps"']],
  // validateRuleWithOperations: "if '*' is present, must not specify other operations".
  [{ type: "validating", rules: [rule, { operations: ["CREATE", "*"], resource: "configmaps" }] }, ['admission.rules[1].operations: "*" already means every operation, and the API server refuses it beside others: write ["*"] alone']],
  [{ type: "validating", rules: [{ operations: ["*", "DELETE", "*"], resource: "pods/exec" }] }, ['admission.rules[0].operations: "*" already means every operation, and the API server refuses it beside others: write ["*"] alone']],
  [{ type: "validating", rules: [{ operations: ["*", "*"], resource: "configmaps" }] }, []],
];

test("each problem of admission is named by its field path", () => {
  for (const [admission, expected] of CASES) assert.deepEqual(problems({ admission }), expected, JSON.stringify(admission));
});

test("the zod-free check accepts exactly what zod accepts unchanged", () => {
  for (const [admission] of CASES) {
    const definition = { name: "hook", admission, handler };
    const zod = definitionZodSchema().safeParse(definition);
    const fast = acceptsDefinition(definition);
    if (fast) assert.ok(zod.success && JSON.stringify(zod.data) === JSON.stringify(definition), `accepted without zod, refused or changed by it: ${JSON.stringify(admission)}`);
    // Those zod accepts as written (no cross-field rule involved) the twin accepts too.
    if (zod.success) assert.ok(fast, `zod accepts, the twin does not: ${JSON.stringify(admission)}`);
  }
});

test("an admission function has no other trigger, input, output, timeoutMs or resources", () => {
  assert.deepEqual(problems({ admission: { type: "validating", rules: [rule] }, http: { auth: "none" }, watch: { resource: "pods" }, timeoutMs: 1000 }), [
    "http: not taken by an admission function: the API server calls an admission webhook on the webhook port; serve the route from another function",
    "watch: not taken by an admission function: its handler answers admission reviews; watch from another function",
    "timeoutMs: not taken by an admission function: its deadline is admission.timeoutSeconds (podfn answers a little before the API server gives up): leave timeoutMs out",
  ]);
  assert.deepEqual(problems({}), ["declares no `http`, `schedule`, `watch` or `admission`: add one so the function can be called"]);
});

test("a loaded webhook has Kubernetes' defaults, its path, and a deadline a little under its timeout", () => {
  const result = resolveDefinition(defineFunction({ name: "hook", admission: { type: "validating", rules: [{ operations: ["CREATE", "CREATE"], resource: "pods" }] }, handler }) as never, "hook.ts");
  assert.ok(result.ok);
  assert.deepEqual(result.fn.admission, {
    type: "validating",
    rules: [{ operations: ["CREATE"], type: { group: "", version: "v1", resource: "pods", namespaced: true, kind: "Pod" }, scope: "*" }],
    failurePolicy: "Fail",
    timeoutSeconds: 10,
    sideEffects: "None",
    path: "/admission/hook",
    deadlineMs: 9000,
  });
  assert.equal(result.fn.timeoutMs, 9000);
  for (const [seconds, deadline] of [[1, 800], [2, 1600], [5, 4000], [30, 29_000]]) {
    const fn = resolveDefinition(defineFunction({ name: "hook", admission: { type: "validating", rules: [rule] as never, timeoutSeconds: seconds }, handler }) as never, "hook.ts");
    assert.ok(fn.ok && fn.fn.timeoutMs === deadline, `${seconds} s: ${fn.ok && fn.fn.timeoutMs}`);
  }
});

test("a subresource rule loads as its type and subresource", () => {
  const result = resolveDefinition(defineFunction({ name: "hook", admission: { type: "validating", rules: [{ operations: ["CONNECT"], resource: "pods/exec" }, { operations: ["UPDATE"], resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true, subresource: "status" } }] as never }, handler }) as never, "hook.ts");
  assert.ok(result.ok);
  assert.deepEqual(result.fn.admission?.rules, [
    { operations: ["CONNECT"], type: { group: "", version: "v1", resource: "pods", namespaced: true, kind: "Pod" }, subresource: "exec", scope: "*" },
    { operations: ["UPDATE"], type: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true }, subresource: "status", scope: "*" },
  ]);
});

test("a loaded mutating webhook keeps its matchConditions and is called once unless it asks to be called again", () => {
  const matchConditions = [{ name: "not-system", expression: "!request.userInfo.username.startsWith('system:')" }];
  const once = resolveDefinition(defineFunction({ name: "hook", admission: { type: "mutating", rules: [rule] as never, matchConditions }, handler }) as never, "hook.ts");
  assert.ok(once.ok);
  assert.deepEqual(once.fn.admission?.matchConditions, matchConditions);
  assert.notEqual(once.fn.admission?.matchConditions, matchConditions, "a copy, not the definition's list");
  assert.equal(once.fn.admission?.reinvocationPolicy, "Never");
  const again = resolveDefinition(defineFunction({ name: "hook", admission: { type: "mutating", rules: [rule] as never, reinvocationPolicy: "IfNeeded" }, handler }) as never, "hook.ts");
  assert.ok(again.ok && again.fn.admission?.reinvocationPolicy === "IfNeeded");
});
