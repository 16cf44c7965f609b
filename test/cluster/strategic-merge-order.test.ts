/**
 * The order of a strategic merge patch's merged list, as apimachinery's strategicpatch makes it
 * (mergeSlice, then normalizeElementOrder and mergeSortedSlice): the patch's items in the
 * patch's order, a server-only item placed before one of them only when both were stored and it
 * came first, so an item the server did not have goes ahead of the server-only ones; and
 * `$setElementOrder/<list>` (kubectl apply and edit send it) orders the list as it says. The
 * emulator appended new items and ignored `$setElementOrder`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/smo";
const DEPLOYS = "/apis/apps/v1/namespaces/smo/deployments";
const SMP = "application/strategic-merge-patch+json";

describe("strategic merge list order", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("smo");
  });
  after(() => t.close());

  let n = 0;
  /** A new Deployment whose pod template has these containers; answers the patch of its template's spec. */
  async function patchPod(containers: unknown[], patch: { spec: unknown }) {
    const name = `d${n++}`;
    const labels = { app: name };
    const body = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } } };
    const created = await t.send("POST", DEPLOYS, { body });
    assert.equal(created.status, 201, created.text);
    const res = await t.send("PATCH", `${DEPLOYS}/${name}`, { body: { spec: { template: patch } }, contentType: SMP });
    return { ...res, body: res.status === 200 ? res.body.spec.template : res.body };
  }
  const names = (list: { name: string }[]) => list.map((i) => i.name);

  test("containers [a,b] patched with [c, a]: [c, a, b]", async () => {
    const res = await patchPod([{ name: "a", image: "nginx" }, { name: "b", image: "nginx" }], { spec: { containers: [{ name: "c", image: "busybox" }, { name: "a", image: "x" }] } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(names(res.body.spec.containers), ["c", "a", "b"]);
    assert.equal(res.body.spec.containers[1].image, "x");
  });

  test("env [X,Y] patched with [Y deleted, Z]: [Z, X]", async () => {
    const env = [{ name: "X", value: "1" }, { name: "Y", value: "2" }];
    const res = await patchPod([{ name: "a", image: "nginx", env }], { spec: { containers: [{ name: "a", env: [{ name: "Y", $patch: "delete" }, { name: "Z", value: "3" }] }] } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.spec.containers[0].env, [{ name: "Z", value: "3" }, { name: "X", value: "1" }]);
  });

  test("finalizers (a merged list of primitives) [a] + [b]: [b, a]", async () => {
    const created = await t.send("POST", `${NS}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "f", finalizers: ["example.com/a"] } } });
    assert.equal(created.status, 201);
    const res = await t.send("PATCH", `${NS}/configmaps/f`, { body: { metadata: { finalizers: ["example.com/b"] } }, contentType: SMP });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.metadata.finalizers, ["example.com/b", "example.com/a"]);
    await t.send("PATCH", `${NS}/configmaps/f`, { body: { metadata: { finalizers: null } }, contentType: SMP });
  });

  test("$setElementOrder/containers [b, a] orders [a, b] as [b, a]", async () => {
    const res = await patchPod([{ name: "a", image: "nginx" }, { name: "b", image: "nginx" }], { spec: { "$setElementOrder/containers": [{ name: "b" }, { name: "a" }] } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(names(res.body.spec.containers), ["b", "a"]);
  });

  test("$setElementOrder with the list: the order list's order, new items where it puts them", async () => {
    const res = await patchPod([{ name: "a", image: "nginx" }, { name: "b", image: "nginx" }], {
      spec: { "$setElementOrder/containers": [{ name: "b" }, { name: "c" }, { name: "a" }], containers: [{ name: "c", image: "busybox" }] },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(names(res.body.spec.containers), ["b", "c", "a"]);
  });

  test("a patch list out of the order list's order: the 500 of validatePatchWithSetOrderList", async () => {
    const res = await patchPod([{ name: "a", image: "nginx" }, { name: "b", image: "nginx" }], {
      spec: { "$setElementOrder/containers": [{ name: "b" }, { name: "a" }], containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] },
    });
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 500,
      message: "The order in patch list:\n[map[image:x name:a] map[image:y name:b]]\n doesn't match $setElementOrder list:\n[map[name:b] map[name:a]]\n",
    });
  });
});
