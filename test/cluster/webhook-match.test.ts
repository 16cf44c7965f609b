/**
 * A webhook rule's `resources` as apiserver's predicates/rules Matcher reads them: each entry
 * split at the first "/" into resource and subresource, each side matching exactly or by `*`.
 * So `deployments` is the Deployments alone, `deployments/scale` their scale alone, `*` every
 * resource but no subresource, `*\/*` everything, `deployments/*` Deployments and all their
 * subresources, `*\/scale` every scale. An objectSelector is matchObject's: a CONNECT's options
 * (PodExecOptions...) have no ObjectMeta, so a non-empty one never matches them, an empty one
 * always does; a Scale, with ObjectMeta but no labels, is matched against none.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "../../runtime/testing/cluster/registry.js";
import { webhookMatches, type Attributes } from "../../runtime/testing/cluster/webhook-match.js";

const registry = new Registry({ now: Date.now, eventWindow: 1000 });
const deployments = registry.find("apps", "v1", "deployments")!;
const pods = registry.core("pods");

function calledFor(resources: string[], a: Pick<Attributes, "def" | "subresource">): boolean {
  const hook = { name: "h.example.com", rules: [{ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources }] };
  return webhookMatches(registry, hook, { ...a, operation: "UPDATE", namespace: "apps", object: { metadata: { name: "web" } }, oldObject: null });
}

const main = { def: deployments, subresource: "" };
const scale = { def: deployments, subresource: "scale" };
const status = { def: deployments, subresource: "status" };
const podStatus = { def: pods, subresource: "status" };

test("a resource alone is that resource, never its subresources", () => {
  assert.deepEqual([main, scale, status].map((a) => calledFor(["deployments"], a)), [true, false, false]);
});

test("a resource/subresource is that subresource alone", () => {
  assert.deepEqual([main, scale, status, podStatus].map((a) => calledFor(["deployments/scale"], a)), [false, true, false, false]);
});

test("`*` is every resource and no subresource; `*/*` everything", () => {
  assert.deepEqual([main, scale, podStatus].map((a) => calledFor(["*"], a)), [true, false, false]);
  assert.deepEqual([main, scale, podStatus].map((a) => calledFor(["*/*"], a)), [true, true, true]);
});

test("`deployments/*` is the Deployments and all their subresources; `*/status` every status", () => {
  assert.deepEqual([main, scale, status, podStatus].map((a) => calledFor(["deployments/*"], a)), [true, true, true, false]);
  assert.deepEqual([main, scale, status, podStatus].map((a) => calledFor(["*/status"], a)), [false, false, true, true]);
});

function selected(objectSelector: Record<string, unknown>, a: Pick<Attributes, "def" | "subresource" | "operation" | "object">): boolean {
  const hook = { name: "h.example.com", objectSelector, rules: [{ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"] }] };
  return webhookMatches(registry, hook, { ...a, namespace: "apps", oldObject: null });
}

const execOptions = { def: pods, subresource: "exec", operation: "CONNECT" as const, object: { kind: "PodExecOptions", apiVersion: "v1", command: ["sh"] } };
const scaleOfWeb = { ...scale, operation: "UPDATE" as const, object: { kind: "Scale", apiVersion: "autoscaling/v1", metadata: { name: "web" } } };

test("a non-empty objectSelector never matches a CONNECT's options (no ObjectMeta), an empty one always does", () => {
  const absent = { matchExpressions: [{ key: "skip", operator: "DoesNotExist" }] };
  assert.deepEqual([absent, {}, { matchLabels: {} }].map((s) => selected(s, execOptions)), [false, true, true]);
});

test("an object with ObjectMeta but no labels (a Scale) is matched against empty labels", () => {
  const absent = { matchExpressions: [{ key: "skip", operator: "DoesNotExist" }] };
  assert.deepEqual([absent, { matchLabels: { app: "web" } }].map((s) => selected(s, scaleOfWeb)), [true, false]);
});
