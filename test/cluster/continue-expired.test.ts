/**
 * A continue token whose version the server no longer keeps (etcd compacted it; here: older than
 * the event window) is answered as etcd3 answers it: 410 Expired with the message that offers a
 * token going on at the latest version, which does. The client's `list()` takes that offer, so a
 * long listing survives a busy cluster: every object is read once, a warning says why.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";
import { createKubeClient, KubeGoneError, resolveCredentials } from "../../runtime/kube/index.js";

const CMS = "/api/v1/namespaces/default/configmaps";
const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { suite: "cont" } }, data: { n: name } });
const EXPIRED = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";
const decode = (token: string) => JSON.parse(Buffer.from(token, "base64url").toString()) as { rv: number; start: string };

describe("expired continue tokens", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster({ eventWindow: 5 });
    for (const name of ["a", "b", "c", "d", "e"]) await t.send("POST", CMS, { body: cm(name) });
  });
  after(() => t.close());

  /** Writes enough elsewhere that the window moves past every version seen so far. */
  async function churn(): Promise<void> {
    for (let i = 0; i < 6; i++) await t.send("PATCH", `${CMS}/e`, { body: { data: { n: String(i) } }, contentType: "application/merge-patch+json" });
  }

  test("410 Expired with a token at version -1 from the same key, which continues at the latest version", async () => {
    const first = await t.send("GET", `${CMS}?labelSelector=suite%3Dcont&limit=2`);
    assert.deepEqual(first.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["a", "b"]);
    await churn();
    const expired = await t.send("GET", `${CMS}?labelSelector=suite%3Dcont&limit=2&continue=${first.body.metadata.continue}`);
    assert.equal(expired.status, 410);
    assert.deepEqual({ ...expired.body, metadata: undefined }, { kind: "Status", apiVersion: "v1", metadata: undefined, status: "Failure", message: EXPIRED, reason: "Expired", code: 410 });
    const offered = expired.body.metadata.continue as string;
    assert.deepEqual(decode(offered), { v: "meta.k8s.io/v1", rv: -1, start: "b\u0000" });
    const rest = await t.send("GET", `${CMS}?labelSelector=suite%3Dcont&limit=2&continue=${offered}`);
    assert.equal(rest.status, 200);
    assert.deepEqual(rest.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["c", "d"]);
    assert.equal(rest.body.metadata.resourceVersion, (await t.send("GET", CMS)).body.metadata.resourceVersion, "read at the latest version");
    // Version 0 is no version at all: the decoder's 400, as before.
    const zero = Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: 0, start: "b\u0000" })).toString("base64url");
    assert.equal((await t.send("GET", `${CMS}?limit=2&continue=${zero}`)).status, 400);
  });

  test("the client's list() goes on with the offered token: each object once, a warning logged", async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, msg: string) => void warnings.push(msg) };
    const kube = createKubeClient({ logger, credentials: await resolveCredentials({ explicit: { server: t.cluster.url, caPem: t.cluster.caPem, token: t.cluster.adminToken, namespace: "default" }, serviceAccountDir: "/nonexistent", env: {} }) });
    try {
      const names: string[] = [];
      for await (const item of kube.configMaps.list({ labelSelector: "suite=cont", limit: 2 })) {
        names.push(item.metadata!.name!);
        if (names.length === 2) await churn();
      }
      assert.deepEqual(names, ["a", "b", "c", "d", "e"]);
      assert.deepEqual(warnings, ["the list's continue token expired: reading the rest at the latest version (objects changed meanwhile may be missed or seen twice)"]);
    } finally {
      await kube.close();
    }
  });

  test("list({ consistent: true }) throws the 410 instead, for a caller that acts on what it did not see", async () => {
    const kube = createKubeClient({ credentials: await resolveCredentials({ explicit: { server: t.cluster.url, caPem: t.cluster.caPem, token: t.cluster.adminToken, namespace: "default" }, serviceAccountDir: "/nonexistent", env: {} }) });
    try {
      const names: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const item of kube.configMaps.list({ labelSelector: "suite=cont", limit: 2, consistent: true })) {
            names.push(item.metadata!.name!);
            if (names.length === 2) await churn();
          }
        })(),
        (e: unknown) => e instanceof KubeGoneError && e.statusCode === 410 && e.message.includes("too old to display a consistent list"),
      );
      assert.deepEqual(names, ["a", "b"]);
    } finally {
      await kube.close();
    }
  });
});
