/**
 * apps/v1 ControllerRevisions and v1 PodTemplates are served as plain resources, as 1.32 serves
 * them: CRUD, list and discovery, ValidateControllerRevision (data required, revision not
 * negative, data immutable) and ValidatePodTemplate (the template's pod spec, defaulted as a
 * pod's), and their server-side printers' columns.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const REVISIONS = "/apis/apps/v1/namespaces/golden/controllerrevisions";
const TEMPLATES = "/api/v1/namespaces/golden/podtemplates";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

describe("ControllerRevisions and PodTemplates", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("golden");
  });
  after(() => t.close());

  test("a ControllerRevision is created, read, listed and printed; its data is required and immutable, its revision not negative", async () => {
    const created = await t.send("POST", REVISIONS, { body: { apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "web-1" }, data: { spec: { a: 1 } }, revision: 3 } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body), ["kind", "apiVersion", "metadata", "data", "revision"]);
    assert.deepEqual([created.body.data, created.body.revision], [{ spec: { a: 1 } }, 3]);
    assert.equal((await t.send("GET", `${REVISIONS}/web-1`)).body.revision, 3);
    const listed = await t.send("GET", REVISIONS);
    assert.equal(listed.body.kind, "ControllerRevisionList");
    assert.deepEqual(listed.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["web-1"]);

    const table = await t.send("GET", REVISIONS, { accept: TABLE });
    assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Controller", "Revision", "Age"]);
    assert.deepEqual(table.body.rows[0].cells.slice(0, 3), ["web-1", "<none>", 3]);

    const noData = await t.send("POST", REVISIONS, { body: { apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "bare" }, revision: -1 } });
    assert.equal(noData.status, 422, noData.text);
    assert.equal(noData.body.message, 'ControllerRevision.apps "bare" is invalid: [data: Required value: data is mandatory, revision: Invalid value: -1: must be greater than or equal to 0]');

    const changed = await t.send("PATCH", `${REVISIONS}/web-1`, { body: { data: { x: 1 } }, contentType: "application/merge-patch+json" });
    assert.equal(changed.status, 422, changed.text);
    const raw = [...Buffer.from('{"spec":{"a":1},"x":1}')].map((b) => `0x${b.toString(16)}`).join(", ");
    assert.equal(changed.body.message, `ControllerRevision.apps "web-1" is invalid: data: Invalid value: runtime.Unknown{TypeMeta:runtime.TypeMeta{APIVersion:"", Kind:""}, Raw:[]uint8{${raw}}, ContentEncoding:"", ContentType:"application/json"}: field is immutable`);
    const relabeled = await t.send("PATCH", `${REVISIONS}/web-1`, { body: { metadata: { labels: { a: "b" } }, revision: 4 }, contentType: "application/merge-patch+json" });
    assert.equal(relabeled.status, 200, relabeled.text);
    assert.equal(relabeled.body.revision, 4);
    assert.equal((await t.send("DELETE", `${REVISIONS}/web-1`)).status, 200);
    assert.equal((await t.send("GET", `${REVISIONS}/web-1`)).status, 404);
  });

  test("a PodTemplate's template is defaulted and validated as a pod's, and printed with its containers and pod labels", async () => {
    const body = { apiVersion: "v1", kind: "PodTemplate", metadata: { name: "tpl" }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "busybox" }] } } };
    const created = await t.send("POST", TEMPLATES, { body });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual([created.body.template.spec.restartPolicy, created.body.template.spec.dnsPolicy, created.body.template.spec.containers[0].imagePullPolicy], ["Always", "ClusterFirst", "Always"]);
    assert.equal(created.body.template.metadata.creationTimestamp, null);
    const table = await t.send("GET", TEMPLATES, { accept: TABLE });
    assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ["Template", "Containers", "Images", "Pod Labels"]);
    assert.deepEqual(table.body.rows[0].cells, ["tpl", "main", "busybox", "app=web"]);

    const empty = await t.send("POST", TEMPLATES, { body: { apiVersion: "v1", kind: "PodTemplate", metadata: { name: "empty" } } });
    assert.equal(empty.status, 422, empty.text);
    assert.equal(empty.body.message, 'PodTemplate "empty" is invalid: template.spec.containers: Required value');
    const ephemeral = await t.send("POST", TEMPLATES, {
      body: { ...body, metadata: { name: "eph" }, template: { spec: { containers: [{ name: "main", image: "busybox" }], ephemeralContainers: [{ name: "debug", image: "busybox" }] } } },
    });
    assert.equal(ephemeral.status, 422, ephemeral.text);
    assert.match(ephemeral.body.message, /template\.spec\.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template/);
  });
});
