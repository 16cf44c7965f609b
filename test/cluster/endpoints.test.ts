/**
 * core/v1 Endpoints as 1.32 serves them: discovery (legacy and aggregated), create, read, update,
 * list and delete through podfn's client, the port protocol default, subsets repacked as the
 * strategy's Canonicalize does, ValidateEndpoints' 422 causes, the Go encoding of a stored
 * object, and the Table `kubectl get ep` prints (Name, Endpoints, Age). PersistentVolumes and
 * ReplicationControllers, on kubectl's default prune allowlist too, get their defaults.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clientFor } from "podfn/testing";
import { clusterWithNamespaces, fixture, type TestCluster } from "./helpers.js";

const EP = "/api/v1/namespaces/ep/endpoints";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const endpoints = (name: string, subsets: unknown) => ({ apiVersion: "v1", kind: "Endpoints", metadata: { name }, subsets });
const causes = (res: { body: any }) => res.body.details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);

describe("core/v1 Endpoints", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("ep");
  });
  after(() => t.close());

  test("discovery lists endpoints (and persistentvolumes, replicationcontrollers) as 1.32's /api/v1 does", async () => {
    const ours = (await t.send("GET", "/api/v1")).body.resources as Array<Record<string, unknown>>;
    const real = fixture("discovery-api-v1").response.body.resources as Array<Record<string, unknown>>;
    const keys = ["name", "singularName", "namespaced", "kind", "verbs", "shortNames", "categories"];
    const pick = (r: Record<string, unknown> | undefined) => Object.fromEntries(keys.filter((k) => r?.[k] !== undefined).map((k) => [k, r![k]]));
    for (const name of ["endpoints", "persistentvolumes", "replicationcontrollers"]) {
      assert.deepEqual(pick(ours.find((r) => r.name === name)), pick(real.find((r) => r.name === name)), name);
    }
    const agg = await t.send("GET", "/api", { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" });
    const entry = agg.body.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === "endpoints");
    assert.deepEqual(entry, {
      resource: "endpoints", responseKind: { group: "", version: "", kind: "Endpoints" }, scope: "Namespaced", singularResource: "endpoints",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["ep"],
    });
  });

  test("CRUD through the client: the protocol defaulted, the subsets repacked, Go's encoding", async () => {
    const kube = await clientFor({ server: t.cluster.url, caPem: t.cluster.caPem, token: t.cluster.adminToken, namespace: "ep" });
    try {
      const made = await kube.endpoints.create({
        metadata: { name: "db" },
        subsets: [
          { addresses: [{ ip: "10.0.0.9" }, { ip: "10.0.0.3", nodeName: "n1" }], ports: [{ name: "pg", port: 5432 }] },
          { addresses: [{ ip: "10.0.0.3", nodeName: "n1" }], notReadyAddresses: [{ ip: "10.0.0.9" }], ports: [{ name: "pg", port: 5432 }, { name: "metrics", port: 9187, appProtocol: "http" }] },
        ],
      });
      assert.equal(made.kind, "Endpoints");
      // Each port with the addresses offering it (ready wins over not ready for the same port),
      // ports with the same addresses in one subset, addresses sorted by IP.
      assert.deepEqual(made.subsets, [
        { addresses: [{ ip: "10.0.0.3", nodeName: "n1" }, { ip: "10.0.0.9" }], ports: [{ name: "pg", port: 5432, protocol: "TCP" }] },
        { addresses: [{ ip: "10.0.0.3", nodeName: "n1" }], notReadyAddresses: [{ ip: "10.0.0.9" }], ports: [{ name: "metrics", port: 9187, protocol: "TCP", appProtocol: "http" }] },
      ]);
      const read = await kube.endpoints.get("db");
      assert.deepEqual(read.subsets, made.subsets);
      const changed = await kube.endpoints.replace({ ...read, subsets: [{ notReadyAddresses: [{ ip: "10.0.0.4" }] }] });
      assert.deepEqual(changed.subsets, [{ notReadyAddresses: [{ ip: "10.0.0.4" }] }]);
      assert.deepEqual((await kube.endpoints.listPage()).items.map((e) => e.metadata?.name), ["db"]);
      await kube.endpoints.delete("db");
      assert.equal((await t.send("GET", `${EP}/db`)).status, 404);
    } finally {
      await kube.close();
    }
  });

  test("an empty Endpoints is stored as Go writes it (no subsets)", async () => {
    const res = await t.send("POST", EP, { body: endpoints("bare", []) });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.body), ["kind", "apiVersion", "metadata"]);
  });

  test("ValidateEndpoints: addresses required, IPs, hostnames, node names, ports, in its order", async () => {
    const res = await t.send("POST", EP, {
      body: endpoints("bad", [
        { ports: [{ port: 80 }] },
        { addresses: [{ ip: "nope", hostname: "A_B" }, { ip: "127.0.0.1", nodeName: "Node!" }], ports: [{ port: 0, protocol: "ICMP" }, { name: "web", port: 80, appProtocol: "a/b/c" }] },
      ]),
    });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.message.split(":")[0], 'Endpoints "bad" is invalid');
    assert.deepEqual(causes(res), [
      "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`",
      'subsets[1].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      `subsets[1].addresses[0].hostname: Invalid value: "A_B": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      'subsets[1].addresses[0].ip: Invalid value: "nope": must be a valid IP address',
      `subsets[1].addresses[1].nodeName: Invalid value: "Node!": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      'subsets[1].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      "subsets[1].ports[0].name: Required value",
      "subsets[1].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      'subsets[1].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      `subsets[1].ports[1].appProtocol: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]);
  });

  test("the Table kubectl get ep prints: the first three ready ip:ports, then + N more...; <none> without subsets", async () => {
    const create = async (name: string, subsets: unknown) => assert.equal((await t.send("POST", EP, { body: endpoints(name, subsets) })).status, 201);
    await create("web", [{ addresses: [{ ip: "10.1.0.1" }, { ip: "10.1.0.2" }], ports: [{ name: "a", port: 80 }, { name: "b", port: 443 }] }]);
    await create("headless", [{ addresses: [{ ip: "fd00::1" }] }]);
    await create("v6", [{ addresses: [{ ip: "fd00::2" }], ports: [{ port: 8080 }] }]);
    await create("waiting", [{ notReadyAddresses: [{ ip: "10.1.0.3" }], ports: [{ port: 80 }] }]);
    const res = await t.send("GET", EP, { accept: TABLE });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.columnDefinitions.map((c: { name: string; type: string; format: string }) => [c.name, c.type, c.format]), [["Name", "string", "name"], ["Endpoints", "string", ""], ["Age", "string", ""]]);
    assert.match(res.body.columnDefinitions[1].description, /^The set of all endpoints is the union of all subsets\./);
    const cells = Object.fromEntries(res.body.rows.map((r: { cells: string[] }) => [r.cells[0], r.cells[1]]));
    assert.deepEqual(cells, { bare: "<none>", headless: "fd00::1", v6: "[fd00::2]:8080", waiting: "", web: "10.1.0.1:80,10.1.0.2:80,10.1.0.1:443 + 1 more..." });
  });

  test("a PersistentVolume is created Pending with 1.32's defaults; a ReplicationController takes its template's labels", async () => {
    const pv = await t.send("POST", "/api/v1/persistentvolumes", { body: { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "disk" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/data" } } } });
    assert.equal(pv.status, 201, pv.text);
    assert.equal(pv.body.spec.persistentVolumeReclaimPolicy, "Retain");
    assert.equal(pv.body.spec.volumeMode, "Filesystem");
    assert.equal(pv.body.status.phase, "Pending");
    assert.match(pv.body.status.lastPhaseTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const template = { metadata: { labels: { app: "old" } }, spec: { containers: [{ name: "main", image: "nginx" }] } };
    const rc = await t.send("POST", "/api/v1/namespaces/ep/replicationcontrollers", { body: { apiVersion: "v1", kind: "ReplicationController", metadata: { name: "old" }, spec: { template } } });
    assert.equal(rc.status, 201, rc.text);
    assert.deepEqual([rc.body.metadata.labels, rc.body.spec.selector, rc.body.spec.replicas, rc.body.metadata.generation], [{ app: "old" }, { app: "old" }, 1, 1]);
    assert.equal(rc.body.spec.template.spec.restartPolicy, "Always");
    assert.deepEqual(rc.body.status, { replicas: 0 });
  });
});
