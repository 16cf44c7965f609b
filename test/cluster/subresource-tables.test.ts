/**
 * GET of the `status` and `scale` subresources asked for as a Table, as 1.32 prints them: the
 * status store converts with the resource's own printer; ScaleREST with the resource store's
 * printers, which print an autoscaling Scale with `scaleColumnDefinitions` (Name, Desired and
 * Available as integers, Age) — rows' objects autoscaling/v1 Scales.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const DEPLOYS = "/apis/apps/v1/namespaces/st/deployments";
const CREATED = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const NAME = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

describe("Tables of the status and scale subresources", () => {
  let t: TestCluster;
  before(async () => {
    const started = Date.now();
    t = await testCluster({ now: () => started });
    assert.equal((await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "st" } } })).status, 201);
    const deploy = {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
      spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "nginx" }] } } },
    };
    assert.equal((await t.send("POST", DEPLOYS, { body: deploy })).status, 201);
  });
  after(() => t.close());

  test("status: the resource's own Table", async () => {
    const main = await t.send("GET", `${DEPLOYS}/web`, { accept: TABLE });
    const status = await t.send("GET", `${DEPLOYS}/web/status`, { accept: TABLE });
    assert.equal(status.status, 200);
    assert.deepEqual(status.body, main.body);
    assert.equal(status.body.kind, "Table");
  });

  test("scale: Name, Desired, Available, Age; the row's object a Scale when asked for", async () => {
    const scale = (await t.send("GET", `${DEPLOYS}/web/scale`)).body;
    assert.equal(scale.kind, "Scale");
    const res = await t.send("GET", `${DEPLOYS}/web/scale`, { accept: TABLE });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.columnDefinitions, [
      { name: "Name", type: "string", format: "", description: NAME, priority: 0 },
      { name: "Desired", type: "integer", format: "", description: "replicas is the desired number of instances for the scaled object.", priority: 0 },
      { name: "Available", type: "integer", format: "", description: "replicas is the actual number of observed instances of the scaled object.", priority: 0 },
      { name: "Age", type: "string", format: "", description: CREATED, priority: 0 },
    ]);
    assert.deepEqual(res.body.metadata, { resourceVersion: scale.metadata.resourceVersion });
    assert.deepEqual(res.body.rows[0].cells, ["web", 3, 0, "0s"]);
    assert.deepEqual(res.body.rows[0].object, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: scale.metadata });
    const whole = await t.send("GET", `${DEPLOYS}/web/scale?includeObject=Object`, { accept: TABLE });
    assert.deepEqual(whole.body.rows[0].object, scale);
  });
});
