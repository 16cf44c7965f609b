/**
 * The types of patch and apply bodies. `npm test` compiles this file first (`tsc --noEmit`): each
 * `@ts-expect-error` line proves a body the server cannot take is refused (tsc fails when such a
 * line compiles), and the bodies the tests send are accepted without a cast. Sent, they go out
 * as given: the types changed nothing the client does.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import type { ApplyConfiguration, JsonPatchOperation, KubeClient, MergePatch, StrategicMergePatch } from "podfn";
import { sendJson, startFakeApiServer } from "./helpers/fake-apiserver.js";
import type { FakeApiServer } from "./helpers/fake-apiserver.js";

/** A custom resource's type, as a function declares it. */
interface Backup {
  apiVersion?: "ops.example.com/v1";
  kind?: "Backup";
  metadata?: { name?: string };
  spec?: { keep?: number };
}
const BACKUPS = { group: "ops.example.com", version: "v1", resource: "backups", kind: "Backup", namespaced: true };

/** Never called: each line must fail to compile. */
export function refusedBodies(kube: KubeClient): void {
  // @ts-expect-error: a patch is an object (or a JSON patch's operations), not a number
  void kube.deployments.patch("web", 42);
  // @ts-expect-error: replicas is a number
  void kube.deployments.patch("web", { spec: { replicas: "three" } });
  // @ts-expect-error: a misspelt field (replica) is not in the type
  void kube.deployments.patch("web", { spec: { replica: 3 } });
  // @ts-expect-error: a JSON patch's operations with the merge type
  void kube.deployments.patch("web", [{ op: "remove", path: "/spec/paused" }]);
  // @ts-expect-error: "rmove" is no operation
  void kube.deployments.patch("web", [{ op: "rmove", path: "/x" }], { type: "json" });
  // @ts-expect-error: replace needs a value
  void kube.deployments.patch("web", [{ op: "replace", path: "/spec/replicas" }], { type: "json" });
  // @ts-expect-error: move needs from
  void kube.deployments.patch("web", [{ op: "move", path: "/spec/replicas" }], { type: "json" });
  // @ts-expect-error: a JSON Pointer starts with "/"
  void kube.deployments.patch("web", [{ op: "remove", path: "spec/paused" }], { type: "json" });
  // @ts-expect-error: an object with the json type
  void kube.deployments.patch("web", { spec: { replicas: 3 } }, { type: "json" });
  // @ts-expect-error: strategic directives are not part of a merge patch
  void kube.deployments.patch("web", { spec: { $patch: "replace" } });
  // @ts-expect-error: a merge patch replaces a list whole: its elements are whole (a condition has a status)
  void kube.deployments.patchStatus("web", { status: { conditions: [{ type: "Available" }] } });
  // @ts-expect-error: force goes with server-side apply only
  void kube.deployments.patch("web", { spec: { replicas: 3 } }, { force: true });
  // @ts-expect-error: $patch is replace, merge or delete
  void kube.deployments.patch("web", { spec: { template: { spec: { containers: [{ name: "web", $patch: "remove" }] } } } }, { type: "strategic" });
  // @ts-expect-error: $setElementOrder names a list field (replicas is a number)
  void kube.deployments.patch("web", { spec: { "$setElementOrder/replicas": [1] } }, { type: "strategic" });
  // @ts-expect-error: $deleteFromPrimitiveList names a list of strings (containers are objects)
  void kube.deployments.patch("web", { spec: { template: { spec: { "$deleteFromPrimitiveList/containers": ["web"] } } } }, { type: "strategic" });
  // @ts-expect-error: $retainKeys names the object's fields
  void kube.deployments.patch("web", { spec: { strategy: { $retainKeys: ["rolingUpdate"] } } }, { type: "strategic" });
  // @ts-expect-error: apply needs metadata.name
  void kube.deployments.apply({ spec: { replicas: 3 } });
  // @ts-expect-error: apply's kind is the resource's
  void kube.deployments.apply({ kind: "StatefulSet", metadata: { name: "web" } });
  // @ts-expect-error: apply's fields are typed too
  void kube.deployments.apply({ metadata: { name: "web" }, spec: { replicas: "3" } });
  // @ts-expect-error: a server-side apply sent with patch() carries apiVersion and kind (the server refuses it without)
  void kube.deployments.patch("web", { spec: { replicas: 3 } }, { type: "apply" });
  // @ts-expect-error: the status subresource takes the same bodies
  void kube.deployments.patchStatus("web", { status: { replicas: "3" } });
  // @ts-expect-error: a custom resource's patch is typed by the type given to resource()
  void kube.resource<Backup>(BACKUPS).patch("nightly", { spec: { keep: "7" } });
}

/** What the test sends: each accepted as written. */
const merge: MergePatch<Deployment> = { metadata: { annotations: { "example.com/paused-by": null, "example.com/note": "x" } }, spec: { replicas: 0, paused: null } };
const strategic: StrategicMergePatch<Deployment> = {
  metadata: { finalizers: ["example.com/keep"], "$deleteFromPrimitiveList/finalizers": ["example.com/old"] },
  spec: {
    strategy: { $retainKeys: ["type"], type: "Recreate" },
    template: {
      spec: {
        "$setElementOrder/containers": [{ name: "web" }, { name: "log" }],
        containers: [{ name: "web", image: "nginx:1.27" }, { name: "sidecar", $patch: "delete" }],
        volumes: [{ $patch: "replace" }],
        nodeSelector: { $patch: "replace", disk: "ssd" },
      },
    },
  },
};
const operations: JsonPatchOperation[] = [
  { op: "test", path: "/spec/replicas", value: 3 },
  { op: "replace", path: "/spec/replicas", value: 0 },
  { op: "add", path: "/metadata/labels/example.com~1owner", value: "ops" },
  { op: "remove", path: "/metadata/finalizers/0" },
  { op: "copy", from: "/metadata/labels", path: "/spec/template/metadata/labels" },
  { op: "move", from: "/metadata/annotations/a", path: "/metadata/annotations/b" },
];
const applied: ApplyConfiguration<Deployment> = { metadata: { name: "web" }, spec: { replicas: 3 } };

describe("patch and apply bodies", () => {
  let server: FakeApiServer;
  let kube: KubeClient;
  const sent = (): unknown => JSON.parse(server.requests.at(-1)!.body);

  before(async () => {
    server = await startFakeApiServer((req, res) => sendJson(res, 200, { kind: "Deployment", apiVersion: "apps/v1", metadata: { name: "web" } }));
    kube = createKubeClient({ credentials: server.credentials() });
  });
  after(async () => {
    await kube.close();
    await server.close();
  });

  test("a merge patch may delete a field with null", async () => {
    await kube.deployments.patch("web", merge);
    assert.deepEqual(sent(), merge);
  });

  test("a strategic merge patch takes its directives without a cast", async () => {
    await kube.deployments.patch("web", strategic, { type: "strategic" });
    assert.deepEqual(sent(), strategic);
  });

  test("a JSON patch is a list of RFC 6902 operations", async () => {
    await kube.deployments.patch("web", operations, { type: "json" });
    assert.deepEqual(sent(), operations);
    await kube.deployments.patchStatus("web", [{ op: "replace", path: "/status/replicas", value: 1 }], { type: "json" });
    assert.deepEqual(sent(), [{ op: "replace", path: "/status/replicas", value: 1 }]);
  });

  test("apply takes a partial Deployment with its name, filling in apiVersion and kind", async () => {
    await kube.deployments.apply(applied);
    assert.deepEqual(sent(), { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3 } });
    await kube.deployments.apply({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3 } });
    assert.deepEqual(sent(), { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3 } });
  });

  test("a custom resource's patch is typed by the type given to resource()", async () => {
    const backups = kube.resource<Backup>(BACKUPS);
    await backups.patch("nightly", { spec: { keep: null } });
    assert.deepEqual(sent(), { spec: { keep: null } });
  });
});
