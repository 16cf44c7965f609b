/**
 * A pod's Ready, Status and Restarts cells as 1.32's printPod works them out: init containers
 * (Init:N/M, Init:<reason>, Init:ExitCode:N, Init:Signal:N), sidecars (restartable init
 * containers) counted in READY, SchedulingGated, Terminating only for a pod not yet Succeeded
 * or Failed, and a container counted ready only while running.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { podCells } from "../../runtime/testing/cluster/printers-pod.js";
import { testCluster } from "./helpers.js";

const NOW = Date.parse("2026-12-02T01:00:00Z");
const waiting = (name: string, reason: string, extra = {}) => ({ name, ready: false, restartCount: 0, state: { waiting: { reason } }, ...extra });
const terminated = (name: string, t: Record<string, unknown>) => ({ name, ready: false, restartCount: 0, state: { terminated: t } });
const running = (name: string, ready: boolean, extra = {}) => ({ name, ready, restartCount: 0, state: { running: { startedAt: "2026-12-02T00:00:00Z" } }, ...extra });
const cells = (pod: Record<string, unknown>) => {
  const c = podCells(pod, NOW);
  return [c.ready, c.status, c.restarts];
};
const SPEC = { initContainers: [{ name: "i1" }, { name: "sidecar", restartPolicy: "Always" }], containers: [{ name: "c" }] };

describe("printPod's Ready, Status and Restarts", () => {
  test("init containers: Init:N/M, a waiting reason, an exit code, a signal, a terminated reason", () => {
    const status = (init: unknown[]) => ({ spec: SPEC, status: { phase: "Pending", initContainerStatuses: init, containerStatuses: [waiting("c", "PodInitializing")] } });
    assert.deepEqual(cells(status([waiting("i1", "PodInitializing"), waiting("sidecar", "PodInitializing")])), ["0/2", "Init:0/2", "0"]);
    assert.deepEqual(cells(status([terminated("i1", { exitCode: 0, reason: "Completed" }), waiting("sidecar", "PodInitializing")])), ["0/2", "Init:1/2", "0"]);
    assert.deepEqual(cells(status([waiting("i1", "CrashLoopBackOff"), waiting("sidecar", "PodInitializing")])), ["0/2", "Init:CrashLoopBackOff", "0"]);
    assert.deepEqual(cells(status([terminated("i1", { exitCode: 3 }), waiting("sidecar", "PodInitializing")])), ["0/2", "Init:ExitCode:3", "0"]);
    assert.deepEqual(cells(status([terminated("i1", { exitCode: 137, signal: 9 }), waiting("sidecar", "PodInitializing")])), ["0/2", "Init:Signal:9", "0"]);
    assert.deepEqual(cells(status([terminated("i1", { exitCode: 1, reason: "Error" }), waiting("sidecar", "PodInitializing")])), ["0/2", "Init:Error", "0"]);
  });

  test("a started sidecar counts toward READY; restarts are the sidecars' and containers' once initialized", () => {
    const lastState = { terminated: { exitCode: 1, finishedAt: "2026-12-02T00:55:00Z" } };
    const pod = {
      spec: SPEC,
      status: {
        phase: "Running",
        conditions: [{ type: "Initialized", status: "True" }, { type: "Ready", status: "True" }],
        initContainerStatuses: [terminated("i1", { exitCode: 0, reason: "Completed" }), running("sidecar", true, { started: true, restartCount: 2, lastState })],
        containerStatuses: [running("c", true, { restartCount: 1 })],
      },
    };
    assert.deepEqual(cells(pod), ["2/2", "Running", "3 (5m ago)"]);
  });

  test("a container is ready only while running", () => {
    const pod = { spec: { containers: [{ name: "c" }] }, status: { phase: "Running", containerStatuses: [waiting("c", "CrashLoopBackOff", { ready: true })] } };
    assert.deepEqual(cells(pod), ["0/1", "CrashLoopBackOff", "0"]);
  });

  test("SchedulingGated from the PodScheduled condition's reason", () => {
    const pod = { spec: { containers: [{ name: "c" }] }, status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] } };
    assert.deepEqual(cells(pod), ["0/1", "SchedulingGated", "0"]);
  });

  test("Terminating only while the pod is not Succeeded or Failed; a NodeLost pod being deleted is Unknown", () => {
    const deleting = { deletionTimestamp: "2026-12-02T00:59:00Z" };
    const done = { metadata: deleting, spec: { containers: [{ name: "c" }] }, status: { phase: "Succeeded", containerStatuses: [terminated("c", { exitCode: 0, reason: "Completed" })] } };
    assert.deepEqual(cells(done), ["0/1", "Completed", "0"]);
    const failed = { ...done, status: { phase: "Failed", containerStatuses: [terminated("c", { exitCode: 2, reason: "Error" })] } };
    assert.deepEqual(cells(failed), ["0/1", "Error", "0"]);
    const live = { metadata: deleting, spec: { containers: [{ name: "c" }] }, status: { phase: "Running", containerStatuses: [running("c", true)] } };
    assert.deepEqual(cells(live), ["1/1", "Terminating", "0"]);
    assert.deepEqual(cells({ ...live, status: { ...live.status, reason: "NodeLost" } }), ["1/1", "Unknown", "0"]);
  });

  test("kubectl get pods: the served Table's cells", async () => {
    const t = await testCluster();
    try {
      const body = { apiVersion: "v1", kind: "Pod", metadata: { name: "pinit" }, spec: { ...SPEC, initContainers: SPEC.initContainers.map((c) => ({ ...c, image: "busybox" })), containers: [{ name: "c", image: "busybox" }] } };
      assert.equal((await t.send("POST", "/api/v1/namespaces/default/pods", { body })).status, 201);
      const status = { phase: "Pending", initContainerStatuses: [waiting("i1", "PodInitializing"), waiting("sidecar", "PodInitializing")], containerStatuses: [waiting("c", "PodInitializing")] };
      for (const s of [...status.initContainerStatuses, ...status.containerStatuses]) Object.assign(s, { image: "busybox", imageID: "" });
      const patched = await t.send("PATCH", "/api/v1/namespaces/default/pods/pinit/status", { body: { status }, contentType: "application/merge-patch+json" });
      assert.equal(patched.status, 200, patched.text);
      const table = await t.send("GET", "/api/v1/namespaces/default/pods/pinit", { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
      assert.deepEqual(table.body.rows[0].cells.slice(0, 4), ["pinit", "0/2", "Init:0/2", "0"]);
    } finally {
      await t.close();
    }
  });
});
