/**
 * Server-side Tables (`kubectl get`): the 1.32 printers' columns (name, type, format, priority)
 * and cells for jobs, cronjobs, deployments, pods, services, events, configmaps, secrets,
 * leases, rolebindings, namespaces; the default convertor (Name, Created At) for roles; and
 * events.k8s.io Events printed as core Events.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { pod, testCluster, type TestCluster } from "./helpers.js";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const START = Date.parse("2026-01-01T00:00:00Z");

describe("server-side Tables", () => {
  let t: TestCluster;
  let clock = START;
  const get = async (path: string) => {
    const res = await t.send("GET", path, { accept: TABLE });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.kind, "Table");
    return res.body;
  };
  const header = (table: any) => table.columnDefinitions.map((c: any) => (c.priority === 0 ? c.name : `(${c.name})`));
  const create = async (path: string, body: unknown) => assert.equal((await t.send("POST", path, { body })).status, 201);

  before(async () => {
    t = await testCluster({ now: () => clock });
    await create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "tb" } });
    const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "nginx:1.27" }, { name: "side", image: "busybox" }] } };
    await create("/apis/apps/v1/namespaces/tb/deployments", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template } });
    await create("/apis/batch/v1/namespaces/tb/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "once" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } } } });
    await create("/apis/batch/v1/namespaces/tb/cronjobs", { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "tick" }, spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "main", image: "busybox" }] } } } } } });
    await create("/api/v1/namespaces/tb/services", { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] } });
    await create("/api/v1/namespaces/tb/pods", pod("p1"));
    await create("/api/v1/namespaces/tb/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { a: "1", b: "2" }, binaryData: { c: "AA==" } });
    await create("/api/v1/namespaces/tb/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { token: "x" } });
    await create("/apis/coordination.k8s.io/v1/namespaces/tb/leases", { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "leader" }, spec: { holderIdentity: "pod-a" } });
    await create("/apis/rbac.authorization.k8s.io/v1/namespaces/tb/roles", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "reader" }, rules: [] });
    await create("/apis/rbac.authorization.k8s.io/v1/namespaces/tb/rolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "reader" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
      subjects: [{ kind: "ServiceAccount", name: "robot", namespace: "tb" }, { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "ann" }],
    });
    await create("/apis/events.k8s.io/v1/namespaces/tb/events", {
      apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "e1" }, eventTime: "2026-01-01T00:00:00.000000Z", reportingController: "podfn", reportingInstance: "podfn-1",
      action: "Scale", reason: "Scaled", regarding: { kind: "Deployment", name: "web", namespace: "tb" }, note: "scaled to 2 ", type: "Normal",
    });
    clock = START + 190_000;
  });
  after(() => t.close());

  test("jobs, cronjobs and deployments", async () => {
    const jobs = await get("/apis/batch/v1/namespaces/tb/jobs");
    assert.deepEqual(header(jobs), ["Name", "Status", "Completions", "Duration", "Age", "(Containers)", "(Images)", "(Selector)"]);
    const [name, status, completions, duration, age, containers, images, selector] = jobs.rows[0].cells;
    assert.deepEqual([name, status, completions, duration, age, containers, images], ["once", "Running", "0/1", "", "3m10s", "main", "busybox"]);
    assert.match(selector, /^batch\.kubernetes\.io\/controller-uid=[0-9a-f-]{36}$/);
    assert.equal(jobs.rows[0].object.kind, "PartialObjectMetadata");

    const cron = await get("/apis/batch/v1/namespaces/tb/cronjobs/tick");
    assert.deepEqual(header(cron), ["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "(Containers)", "(Images)", "(Selector)"]);
    assert.deepEqual(cron.columnDefinitions.slice(3, 5).map((c: any) => c.type), ["boolean", "integer"]);
    assert.deepEqual(cron.rows[0].cells, ["tick", "*/5 * * * *", "<none>", "false", 0, "<none>", "3m10s", "main", "busybox", "<none>"]);

    const deploy = await get("/apis/apps/v1/namespaces/tb/deployments");
    assert.deepEqual(header(deploy), ["Name", "Ready", "Up-to-date", "Available", "Age", "(Containers)", "(Images)", "(Selector)"]);
    assert.deepEqual(deploy.rows[0].cells, ["web", "0/2", 0, 0, "3m10s", "main,side", "nginx:1.27,busybox", "app=web"]);
    assert.deepEqual(deploy.columnDefinitions[0], {
      name: "Name", type: "string", format: "name", priority: 0,
      description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
    });
  });

  test("pods and services", async () => {
    const pods = await get("/api/v1/namespaces/tb/pods");
    assert.deepEqual(header(pods), ["Name", "Ready", "Status", "Restarts", "Age", "(IP)", "(Node)", "(Nominated Node)", "(Readiness Gates)"]);
    assert.deepEqual(pods.rows[0].cells, ["p1", "0/1", "Pending", "0", "3m10s", "<none>", "<none>", "<none>", "<none>"]);
    const svc = await get("/api/v1/namespaces/tb/services");
    assert.deepEqual(header(svc), ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "(Selector)"]);
    const [name, type, clusterIP, externalIP, ports, age, selector] = svc.rows[0].cells;
    assert.deepEqual([name, type, externalIP, ports, age, selector], ["web", "ClusterIP", "<none>", "80/TCP", "3m10s", "app=web"]);
    assert.match(clusterIP, /^10\.96\./);
  });

  test("a LoadBalancer's External-IP: its ingress points sorted and deduplicated, then its externalIPs", async () => {
    const lb = { apiVersion: "v1", kind: "Service", metadata: { name: "lb" }, spec: { type: "LoadBalancer", ports: [{ port: 80, targetPort: 8080 }] } };
    await create("/api/v1/namespaces/tb/services", lb);
    const cell = async () => (await get("/api/v1/namespaces/tb/services/lb")).rows[0].cells[3];
    assert.equal(await cell(), "<pending>");
    const ingress = [{ ip: "5.5.5.5" }, { hostname: "b.example.com" }, { ip: "1.1.1.1" }, { ip: "5.5.5.5" }];
    const patched = await t.send("PATCH", "/api/v1/namespaces/tb/services/lb/status", { body: { status: { loadBalancer: { ingress } } }, contentType: "application/merge-patch+json" });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(await cell(), "1.1.1.1,5.5.5.5,b.example.com");
    await t.send("PATCH", "/api/v1/namespaces/tb/services/lb", { body: { spec: { externalIPs: ["9.9.9.9", "1.1.1.1"] } }, contentType: "application/merge-patch+json" });
    assert.equal(await cell(), "1.1.1.1,5.5.5.5,b.example.com,9.9.9.9,1.1.1.1");
  });

  test("events print as core Events through either group", async () => {
    for (const path of ["/api/v1/namespaces/tb/events", "/apis/events.k8s.io/v1/namespaces/tb/events"]) {
      const events = await get(path);
      assert.deepEqual(header(events), ["Last Seen", "Type", "Reason", "Object", "(Subobject)", "(Source)", "Message", "(First Seen)", "(Count)", "(Name)"]);
      assert.deepEqual(events.rows[0].cells, ["3m10s", "Normal", "Scaled", "deployment/web", "", "podfn, podfn-1", "scaled to 2", "3m10s", 1, "e1"]);
    }
  });

  test("configmaps, secrets, leases, namespaces", async () => {
    const cells = async (path: string) => {
      const table = await get(path);
      return { header: header(table), cells: table.rows[0].cells };
    };
    assert.deepEqual(await cells("/api/v1/namespaces/tb/configmaps/cm"), { header: ["Name", "Data", "Age"], cells: ["cm", 3, "3m10s"] });
    assert.deepEqual(await cells("/api/v1/namespaces/tb/secrets/s"), { header: ["Name", "Type", "Data", "Age"], cells: ["s", "Opaque", 1, "3m10s"] });
    assert.deepEqual(await cells("/apis/coordination.k8s.io/v1/namespaces/tb/leases"), { header: ["Name", "Holder", "Age"], cells: ["leader", "pod-a", "3m10s"] });
    assert.deepEqual(await cells("/api/v1/namespaces/tb"), { header: ["Name", "Status", "Age"], cells: ["tb", "Active", "3m10s"] });
  });

  test("rolebindings have a printer, roles the default convertor", async () => {
    const bindings = await get("/apis/rbac.authorization.k8s.io/v1/namespaces/tb/rolebindings");
    assert.deepEqual(header(bindings), ["Name", "Role", "Age", "(Users)", "(Groups)", "(ServiceAccounts)"]);
    assert.deepEqual(bindings.rows[0].cells, ["reader", "Role/reader", "3m10s", "ann", "", "tb/robot"]);
    const roles = await get("/apis/rbac.authorization.k8s.io/v1/namespaces/tb/roles");
    assert.deepEqual(roles.columnDefinitions.map((c: any) => [c.name, c.type]), [["Name", "string"], ["Created At", "date"]]);
    assert.deepEqual(roles.rows[0].cells, ["reader", "2026-01-01T00:00:00Z"]);
  });
});
