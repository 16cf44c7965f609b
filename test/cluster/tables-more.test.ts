/**
 * Server-side Tables of PodDisruptionBudgets, StatefulSets, ReplicaSets, DaemonSets, Nodes and
 * PersistentVolumeClaims: the 1.32 printers' columns (type, priority, description) and cells
 * (pkg/printers/internalversion), `N/A` for a budget's unset bound, a Node's status and roles,
 * a bound claim's capacity as `Quantity.String()` prints it; and `kubectl get` showing them
 * (where kubectl is installed).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testCluster, type TestCluster } from "./helpers.js";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const START = Date.parse("2026-01-01T00:00:00Z");
const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

describe("server-side Tables of budgets, statefulsets, replicasets, daemonsets, nodes and claims", () => {
  let t: TestCluster;
  let clock = START;
  const get = async (path: string) => {
    const res = await t.send("GET", path, { accept: TABLE });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const header = (table: any) => table.columnDefinitions.map((c: any) => (c.priority === 0 ? c.name : `(${c.name})`));
  const create = async (path: string, body: unknown) => {
    const res = await t.send("POST", path, { body });
    assert.equal(res.status, 201, res.text);
  };
  const patchStatus = async (path: string, status: unknown) => {
    const res = await t.send("PATCH", `${path}/status`, { body: { status }, contentType: "application/merge-patch+json" });
    assert.equal(res.status, 200, res.text);
  };
  const kubectl = async (...args: string[]) => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-tables-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, t.cluster.kubeconfig({ namespace: "tm" }));
      const { stdout } = await run("kubectl", ["--kubeconfig", kubeconfig, ...args]);
      return stdout.trim().split("\n").map((l) => l.trim().split(/\s{2,}/));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  before(async () => {
    t = await testCluster({ now: () => clock });
    await create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "tm" } });
    const pdbs = "/apis/policy/v1/namespaces/tm/poddisruptionbudgets";
    await create(pdbs, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "a" }, spec: { minAvailable: "50%", selector: { matchLabels: { app: "a" } } } });
    await create(pdbs, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "b" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "b" } } } });
    const template = { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "postgres:16" }] } };
    await create("/apis/apps/v1/namespaces/tm/statefulsets", { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db" }, spec: { replicas: 3, serviceName: "db", selector: { matchLabels: { app: "db" } }, template } });

    const web = { metadata: { labels: { app: "a", tier: "web" } }, spec: { containers: [{ name: "main", image: "nginx:1.27" }, { name: "side", image: "busybox" }] } };
    const rs = "/apis/apps/v1/namespaces/tm/replicasets";
    await create(rs, { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web" }, spec: { replicas: 3, selector: { matchLabels: { tier: "web" }, matchExpressions: [{ key: "app", operator: "In", values: ["b", "a"] }] }, template: web } });
    await patchStatus(`${rs}/web`, { replicas: 2, readyReplicas: 1 });
    const ds = "/apis/apps/v1/namespaces/tm/daemonsets";
    await create(ds, { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent" }, spec: { selector: { matchLabels: { app: "a" } }, template: { ...web, spec: { ...web.spec, nodeSelector: { "kubernetes.io/os": "linux", disk: "ssd" } } } } });
    await patchStatus(`${ds}/agent`, { desiredNumberScheduled: 5, currentNumberScheduled: 4, numberReady: 3, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0 });
    await create(ds, { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "plain" }, spec: { selector: { matchLabels: { app: "p" } }, template: { metadata: { labels: { app: "p" } }, spec: { containers: [{ name: "p", image: "pause" }] } } } });

    await create("/api/v1/nodes", {
      apiVersion: "v1", kind: "Node", metadata: { name: "cp", labels: { "node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "cp" } }, spec: { unschedulable: true },
      status: {
        conditions: [{ type: "MemoryPressure", status: "False" }, { type: "Ready", status: "True" }],
        addresses: [{ type: "Hostname", address: "cp" }, { type: "InternalIP", address: "10.0.0.1" }, { type: "ExternalIP", address: "203.0.113.7" }, { type: "InternalIP", address: "10.0.0.2" }],
        nodeInfo: { kubeletVersion: "v1.32.6", osImage: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1.0-18-amd64", containerRuntimeVersion: "containerd://1.7.13" },
      },
    });
    await create("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "w1", labels: { "kubernetes.io/role": "worker", "node-role.kubernetes.io/ingress": "" } } });
    await create("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "w2" }, status: { conditions: [{ type: "Ready", status: "Unknown" }] } });

    const pvcs = "/api/v1/namespaces/tm/persistentvolumeclaims";
    const claim = (name: string, spec: object = {}, metadata: object = {}) => ({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, ...metadata }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec } });
    await create(pvcs, claim("a-pending", { storageClassName: "fast" }));
    await create(pvcs, claim("b-bound", { volumeName: "pv-b", volumeMode: "Block", volumeAttributesClassName: "gold" }, { annotations: { "volume.beta.kubernetes.io/storage-class": "old" } }));
    await patchStatus(`${pvcs}/b-bound`, { phase: "Bound", capacity: { storage: "1024Mi" }, accessModes: ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce", "ReadWriteOncePod"] });
    await create(pvcs, claim("c-half", { volumeName: "pv-c" }));
    await patchStatus(`${pvcs}/c-half`, { phase: "Bound", capacity: { storage: "0.5Gi" }, accessModes: ["ReadOnlyMany"] });
    await create(pvcs, claim("d-decimal", { volumeName: "pv-d" }));
    await patchStatus(`${pvcs}/d-decimal`, { phase: "Bound", capacity: { storage: "2000M" } });
    await create(pvcs, claim("e-leaving", {}, { finalizers: ["kubernetes.io/pvc-protection"] }));
    assert.equal((await t.send("DELETE", `${pvcs}/e-leaving`)).status, 200);
    clock = START + 190_000;
  });
  after(() => t.close());

  test("poddisruptionbudgets: Min Available, Max Unavailable (N/A when unset), Allowed Disruptions", async () => {
    const table = await get("/apis/policy/v1/namespaces/tm/poddisruptionbudgets");
    assert.deepEqual(header(table), ["Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"]);
    assert.deepEqual(table.columnDefinitions.slice(1, 4).map((c: any) => [c.type, c.description]), [
      ["string", "The minimum number of pods that must be available."],
      ["string", "The maximum number of pods that may be unavailable."],
      ["integer", "Calculated number of pods that may be disrupted at this time."],
    ]);
    assert.deepEqual(table.rows.map((r: any) => r.cells), [["a", "50%", "N/A", 0, "3m10s"], ["b", "N/A", "1", 0, "3m10s"]]);
  });

  test("statefulsets: Ready as ready/desired, wide Containers and Images", async () => {
    const table = await get("/apis/apps/v1/namespaces/tm/statefulsets/db");
    assert.deepEqual(header(table), ["Name", "Ready", "Age", "(Containers)", "(Images)"]);
    assert.deepEqual(table.rows[0].cells, ["db", "0/3", "3m10s", "db", "postgres:16"]);
  });

  test("replicasets: Desired, Current, Ready as integers, wide Containers, Images and the selector sorted by key", async () => {
    const table = await get("/apis/apps/v1/namespaces/tm/replicasets");
    assert.deepEqual(header(table), ["Name", "Desired", "Current", "Ready", "Age", "(Containers)", "(Images)", "(Selector)"]);
    assert.deepEqual(table.columnDefinitions.slice(1, 4).map((c: any) => [c.type, c.format, c.description]), [
      ["integer", "", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"],
      ["integer", "", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"],
      ["integer", "", "The number of ready replicas for this replica set."],
    ]);
    assert.equal(table.columnDefinitions[7].description, "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors");
    assert.deepEqual(table.rows.map((r: any) => r.cells), [["web", 3, 2, 1, "3m10s", "main,side", "nginx:1.27,busybox", "app in (a,b),tier=web"]]);
    assert.deepEqual(table.rows[0].object.kind, "PartialObjectMetadata");
  });

  test("daemonsets: the five counts, Node Selector (<none> when unset), wide Containers, Images and Selector", async () => {
    const table = await get("/apis/apps/v1/namespaces/tm/daemonsets");
    assert.deepEqual(header(table), ["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "(Containers)", "(Images)", "(Selector)"]);
    assert.deepEqual(table.columnDefinitions.map((c: any) => c.type), ["string", "integer", "integer", "integer", "integer", "integer", "string", "string", "string", "string", "string"]);
    assert.deepEqual(table.columnDefinitions.slice(1, 7).map((c: any) => c.description), [
      "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
      "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
      "The total number of nodes that are running updated daemon pod",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
    ]);
    assert.equal(table.columnDefinitions[10].description, "A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors");
    assert.deepEqual(table.rows.map((r: any) => r.cells), [
      ["agent", 5, 4, 3, 2, 1, "disk=ssd,kubernetes.io/os=linux", "3m10s", "main,side", "nginx:1.27,busybox", "app=a"],
      ["plain", 0, 0, 0, 0, 0, "<none>", "3m10s", "p", "pause", "app=p"],
    ]);
  });

  test("nodes: Status from the Ready condition and cordoning, Roles from the role labels, wide addresses and node info", async () => {
    const table = await get("/api/v1/nodes");
    assert.deepEqual(header(table), ["Name", "Status", "Roles", "Age", "Version", "(Internal-IP)", "(External-IP)", "(OS-Image)", "(Kernel-Version)", "(Container-Runtime)"]);
    assert.deepEqual(table.columnDefinitions.slice(1, 3).map((c: any) => c.description), ["The status of the node", "The roles of the node"]);
    assert.deepEqual(table.columnDefinitions.slice(4).map((c: any) => c.description.slice(0, 60)), [
      "Kubelet Version reported by the node.",
      "List of addresses reachable to the node. Queried from cloud ",
      "List of addresses reachable to the node. Queried from cloud ",
      "OS Image reported by the node from /etc/os-release (e.g. Deb",
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.",
      "ContainerRuntime Version reported by the node through runtim",
    ]);
    assert.match(table.columnDefinitions[5].description, /More info: https:\/\/kubernetes\.io\/docs\/reference\/node\/node-status\/#addresses Note: .* \(status\.hostIP\)\.$/);
    assert.deepEqual(table.rows.map((r: any) => r.cells), [
      ["cp", "Ready,SchedulingDisabled", "control-plane", "3m10s", "v1.32.6", "10.0.0.1", "203.0.113.7", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.7.13"],
      ["w1", "Unknown", "ingress,worker", "3m10s", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"],
      ["w2", "NotReady", "<none>", "3m10s", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"],
    ]);
  });

  test("persistentvolumeclaims: Capacity and Access Modes once bound, the storage class annotation first, Terminating, wide VolumeMode", async () => {
    const table = await get("/api/v1/namespaces/tm/persistentvolumeclaims");
    assert.deepEqual(header(table), ["Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "(VolumeMode)"]);
    assert.deepEqual(table.columnDefinitions.slice(1, 7).concat(table.columnDefinitions[8]).map((c: any) => c.description), [
      "phase represents the current phase of PersistentVolumeClaim.",
      "volumeName is the binding reference to the PersistentVolume backing this claim.",
      "capacity represents the actual resources of the underlying volume.",
      "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1",
      "StorageClass of the pvc",
      "VolumeAttributesClass of the pvc",
      "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.",
    ]);
    assert.deepEqual(table.rows.map((r: any) => r.cells), [
      ["a-pending", "Pending", "", "", "", "fast", "<unset>", "3m10s", "Filesystem"],
      ["b-bound", "Bound", "pv-b", "1Gi", "RWO,RWX,RWOP", "old", "gold", "3m10s", "Block"],
      ["c-half", "Bound", "pv-c", "512Mi", "ROX", "", "<unset>", "3m10s", "Filesystem"],
      ["d-decimal", "Bound", "pv-d", "2G", "", "", "<unset>", "3m10s", "Filesystem"],
      ["e-leaving", "Terminating", "", "", "", "", "<unset>", "3m10s", "Filesystem"],
    ]);
  });

  test("kubectl get nodes -o wide and get pvc print the server's columns", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const nodes = await kubectl("get", "nodes", "-o", "wide");
    assert.deepEqual(nodes[0], ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]);
    assert.deepEqual(nodes[1]!.filter((_, i) => i !== 3), ["cp", "Ready,SchedulingDisabled", "control-plane", "v1.32.6", "10.0.0.1", "203.0.113.7", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "containerd://1.7.13"]);
    const claims = await kubectl("get", "pvc");
    assert.deepEqual(claims[0], ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"]);
    assert.deepEqual(claims[2]!.slice(0, 7), ["b-bound", "Bound", "pv-b", "1Gi", "RWO,RWX,RWOP", "old", "gold"]);
    const sets = await kubectl("get", "rs,ds", "-o", "wide");
    assert.deepEqual(sets[0], ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    assert.deepEqual(sets[1]!.filter((_, i) => i !== 4), ["replicaset.apps/web", "3", "2", "1", "main,side", "nginx:1.27,busybox", "app in (a,b),tier=web"]);
  });

  test("kubectl get pdb prints the budget columns", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const lines = await kubectl("get", "pdb");
    assert.deepEqual(lines[0], ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"]);
    assert.deepEqual(lines.slice(1).map((l) => l.slice(0, 4)), [["a", "50%", "N/A", "0"], ["b", "N/A", "1", "0"]]);
  });
});
