/**
 * scheduling.k8s.io/v1 PriorityClasses are served as 1.32 serves them: the two system classes a
 * fresh server holds, CRUD, list and discovery (short name `pc`), the default preemptionPolicy,
 * generation 1, ValidatePriorityClass (the `system-` prefix reserved, user values at most one
 * billion, preemption policies) and ValidatePriorityClassUpdate's messages, one global default
 * (the Priority admission plugin), system classes never deleted, the printer's columns, and
 * kubectl create priorityclass, which sends protobuf (skipped without kubectl); and the Priority
 * admission plugin's resolution of a pod's priority from its class.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { kubectlCluster, testCluster, type TestCluster } from "./helpers.js";

const CLASSES = "/apis/scheduling.k8s.io/v1/priorityclasses";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const hasKubectl = await promisify(execFile)("kubectl", ["version", "--client"]).then(() => true, () => false);
const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value, ...extra });

describe("PriorityClasses", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a fresh cluster holds the system classes a 1.32 server creates", async () => {
    const listed = await t.send("GET", CLASSES);
    assert.equal(listed.body.kind, "PriorityClassList");
    const byName = Object.fromEntries(listed.body.items.map((i: any) => [i.metadata.name, i]));
    assert.deepEqual(Object.keys(byName), ["system-cluster-critical", "system-node-critical"]);
    const critical = (await t.send("GET", `${CLASSES}/system-cluster-critical`)).body;
    assert.deepEqual(Object.keys(critical), ["kind", "apiVersion", "metadata", "value", "description", "preemptionPolicy"]);
    assert.deepEqual([critical.value, critical.description, critical.preemptionPolicy, critical.metadata.generation], [2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.", "PreemptLowerPriority", 1]);
    assert.deepEqual([byName["system-node-critical"].value, byName["system-node-critical"].description], [2000001000, "Used for system critical pods that must not be moved from their current node."]);
    const deleted = await t.send("DELETE", `${CLASSES}/system-node-critical`);
    assert.equal(deleted.status, 403, deleted.text);
    assert.equal(deleted.body.message, 'priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted');
  });

  test("a class is created with its default preemption policy, printed, its value and policy immutable", async () => {
    const created = await t.send("POST", CLASSES, { body: pc("high", 1000, { description: "important" }) });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual([created.body.preemptionPolicy, created.body.metadata.generation], ["PreemptLowerPriority", 1]);
    const table = await t.send("GET", `${CLASSES}/high`, { accept: TABLE });
    assert.deepEqual(table.body.columnDefinitions.map((c: { name: string; type: string }) => `${c.name}:${c.type}`), ["Name:string", "Value:integer", "Global-Default:boolean", "Age:string", "PreemptionPolicy:string"]);
    const cells = table.body.rows[0].cells;
    assert.deepEqual([cells[0], cells[1], cells[2], cells[4]], ["high", 1000, false, "PreemptLowerPriority"]);

    const changed = await t.send("PATCH", `${CLASSES}/high`, { body: { value: 5, preemptionPolicy: "Never" }, contentType: "application/merge-patch+json" });
    assert.equal(changed.status, 422, changed.text);
    assert.equal(changed.body.message, 'PriorityClass.scheduling.k8s.io "high" is invalid: [value: Forbidden: may not be changed in an update., preemptionPolicy: Invalid value: "Never": field is immutable]');
    const described = await t.send("PATCH", `${CLASSES}/high`, { body: { description: "less" }, contentType: "application/merge-patch+json" });
    assert.equal(described.status, 200, described.text);
    assert.equal(described.body.metadata.generation, 1);
  });

  test("the system- prefix is reserved, user values stop at one billion, the preemption policy is checked", async () => {
    const reserved = await t.send("POST", CLASSES, { body: pc("system-mine", 10) });
    assert.equal(reserved.status, 422, reserved.text);
    assert.equal(reserved.body.message, `PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class`);
    const tooHigh = await t.send("POST", CLASSES, { body: pc("huge", 1000000001, { preemptionPolicy: "Sometimes" }) });
    assert.equal(tooHigh.body.message, 'PriorityClass.scheduling.k8s.io "huge" is invalid: [value: Forbidden: maximum allowed value of a user defined priority is 1000000000, preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"]');
  });

  test("only one class may be the global default", async () => {
    assert.equal((await t.send("POST", CLASSES, { body: pc("default-a", 10, { globalDefault: true }) })).status, 201);
    const second = await t.send("POST", CLASSES, { body: pc("default-b", 20, { globalDefault: true }) });
    assert.equal(second.status, 403, second.text);
    assert.deepEqual(second.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'priorityclasses.scheduling.k8s.io "default-b" is forbidden: PriorityClass default-a is already marked as default. Only one default can exist',
      reason: "Forbidden", details: { name: "default-b", group: "scheduling.k8s.io", kind: "priorityclasses" }, code: 403,
    });
    const again = await t.send("PATCH", `${CLASSES}/default-a`, { body: { description: "still the default" }, contentType: "application/merge-patch+json" });
    assert.equal(again.status, 200, again.text);
  });
});

describe("Priority admission of pods", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());
  const PODS = "/api/v1/namespaces/default/pods";
  const podNamed = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "main", image: "busybox" }], ...spec } });

  test("a pod's priority and preemption policy come from its PriorityClass, or the global default's, else 0; a missing class is 403", async () => {
    const critical = await t.send("POST", PODS, { body: podNamed("critical", { priorityClassName: "system-cluster-critical" }) });
    assert.equal(critical.status, 201, critical.text);
    assert.deepEqual([critical.body.spec.priority, critical.body.spec.preemptionPolicy], [2000000000, "PreemptLowerPriority"]);
    const plain = await t.send("POST", PODS, { body: podNamed("plain") });
    assert.deepEqual([plain.body.spec.priority, plain.body.spec.priorityClassName], [0, undefined]);

    const missing = await t.send("POST", PODS, { body: podNamed("lost", { priorityClassName: "nope" }) });
    assert.equal(missing.status, 403, missing.text);
    assert.equal(missing.body.message, 'pods "lost" is forbidden: no PriorityClass with name nope was found');
    const mismatch = await t.send("POST", PODS, { body: podNamed("mismatch", { priorityClassName: "system-node-critical", priority: 5 }) });
    assert.equal(mismatch.body.message, 'pods "mismatch" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000001000 from the given PriorityClass name');

    await t.send("POST", CLASSES, { body: pc("everyday", 100, { globalDefault: true, preemptionPolicy: "Never" }) });
    const defaulted = await t.send("POST", PODS, { body: podNamed("defaulted") });
    assert.deepEqual([defaulted.body.spec.priorityClassName, defaulted.body.spec.priority, defaulted.body.spec.preemptionPolicy], ["everyday", 100, "Never"]);

    // An update that leaves the priority out keeps it (the plugin on update).
    const relabeled = await t.send("PUT", `${PODS}/critical`, { body: { ...critical.body, metadata: { ...critical.body.metadata, labels: { a: "b" } }, spec: { ...critical.body.spec, priority: undefined, preemptionPolicy: undefined } } });
    assert.equal(relabeled.status, 200, relabeled.text);
    assert.deepEqual([relabeled.body.spec.priority, relabeled.body.spec.preemptionPolicy], [2000000000, "PreemptLowerPriority"]);
  });
});

describe("kubectl create priorityclass", { skip: hasKubectl ? false : "kubectl is not on PATH" }, () => {
  test("the PriorityClass kubectl sends as protobuf is created, and kubectl get pc prints it", async () => {
    const k = await kubectlCluster();
    try {
      assert.match(await k.kubectl("create", "priorityclass", "batch-low", "--value=10", "--description=batch", "--preemption-policy=Never"), /priorityclass.scheduling.k8s.io\/batch-low created/);
      const created = (await k.send("GET", `${CLASSES}/batch-low`)).body;
      assert.deepEqual([created.value, created.description, created.preemptionPolicy, created.globalDefault], [10, "batch", "Never", undefined]);
      const lines = (await k.kubectl("get", "pc", "batch-low")).trim().split("\n").map((l) => l.split(/\s{2,}/));
      assert.deepEqual(lines[0], ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]);
      assert.deepEqual([lines[1]![0], lines[1]![1], lines[1]![2], lines[1]![4]], ["batch-low", "10", "false", "Never"]);
    } finally {
      await k.close();
    }
  });
});
